/**
 * Per-record inputs: what the engine prepares once for a record, before any of its rules runs, and hands each
 * rule in its context (`context.inputs`), typed by the event. A rule never computes or caches a shared input
 * itself.
 *
 * Adding an input: its type under the event name in `RecordInputs`, and how it is prepared in `PREPARE`.
 * Inputs that need I/O (a managed policy's document read from IAM, a user's groups) are resolved by the
 * caller before evaluation, so the engine stays pure: give `prepare` what was resolved, next to the baseline.
 */
import type { Baseline } from '../baseline/baseline.ts';
import { findApprovedUser } from '../baseline/baseline.ts';
import type { AccessKeyFact, FactRequest, Knowledge, Known } from '../core/knowledge.ts';
import { NO_KNOWLEDGE } from '../engine/knowledge.ts';
import type {
  PermissionEventName,
  PermissionSubject,
  Subject,
  SubjectOf,
  WatchedEventName,
} from '../events/subjects/index.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import type { InstancesJudgement, TemplateJudgement } from './imds.ts';
import { judgeModify, judgeRun, judgeTemplate } from './imds.ts';
import { imdsFacts } from './imdsFacts.ts';
import type { PolicyAnalysis } from './policyAnalysis.ts';
import { analyzePermissions, permissionFacts } from './policyAnalysis.ts';

/** What every permission event prepares: who gains which documents, each compared with its envelope. */
export interface PermissionInputs {
  readonly policy: PolicyAnalysis;
}

/** Each instance's or template's IMDS settings against its profile, read by both instance IMDS rules. */
interface ImdsInputs {
  readonly ModifyInstanceMetadataOptions: { readonly imds: InstancesJudgement };
  readonly RunInstances: { readonly imds: InstancesJudgement };
  readonly CreateLaunchTemplate: { readonly imds: TemplateJudgement };
  readonly CreateLaunchTemplateVersion: { readonly imds: TemplateJudgement };
}

interface KeyInputs {
  readonly CreateAccessKey: {
    /** The user's keys just before the call, for an approved user (iam.accesskey.long-lived); else null. */
    readonly accessKeys: Known<readonly AccessKeyFact[]> | null;
  };
}

export type RecordInputs = { readonly [K in PermissionEventName]: PermissionInputs } & ImdsInputs & KeyInputs;

/** An event without inputs of its own. */
export type NoInputs = Readonly<Record<never, never>>;

export type InputsOf<K extends WatchedEventName> = K extends keyof RecordInputs ? RecordInputs[K] : NoInputs;

type Prepare<K extends keyof RecordInputs> = (
  subject: SubjectOf<K>,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
) => RecordInputs[K];

const preparePermissions = (
  subject: PermissionSubject,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PermissionInputs => ({ policy: analyzePermissions(subject, baseline, knowledge, at) });

const PREPARE: { readonly [K in keyof RecordInputs]: Prepare<K> } = {
  ...(Object.fromEntries(PERMISSION_EVENTS.map((name) => [name, preparePermissions])) as {
    readonly [K in PermissionEventName]: Prepare<K>;
  }),
  ModifyInstanceMetadataOptions: (subject, baseline, knowledge, at) => ({
    imds: judgeModify(subject, baseline, knowledge, at),
  }),
  RunInstances: (subject, baseline, knowledge, at) => ({ imds: judgeRun(subject, baseline, knowledge, at) }),
  CreateLaunchTemplate: (subject, baseline) => ({ imds: judgeTemplate(subject, baseline) }),
  CreateLaunchTemplateVersion: (subject, baseline) => ({ imds: judgeTemplate(subject, baseline) }),
  CreateAccessKey: (subject, baseline, knowledge, at) => ({
    accessKeys: keysWanted(subject, baseline) ? knowledge.accessKeys(subject.userName, at) : null,
  }),
};

/** An approved user's existing keys decide a new key's severity (issue 15.4); others' keys are judged without. */
function keysWanted(
  subject: SubjectOf<'CreateAccessKey'>,
  baseline: Baseline,
): subject is SubjectOf<'CreateAccessKey'> & { readonly userName: string } {
  return subject.userName !== null && findApprovedUser(baseline, subject.userName) !== undefined;
}

const NONE: NoInputs = Object.freeze({});

/** The inputs of a record's rules, prepared once, with what `knowledge` says as of `at` (the eventTime). */
export function prepareInputs<K extends WatchedEventName>(
  subject: SubjectOf<K>,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): InputsOf<K> {
  const prepare = (
    PREPARE as Partial<
      Record<WatchedEventName, (s: Subject, b: Baseline, k: Knowledge, at: string) => unknown>
    >
  )[subject.kind];
  return (prepare ? prepare(subject, baseline, knowledge, at) : NONE) as InputsOf<K>;
}

/**
 * The facts an event's inputs read from Knowledge, for callers that load them before evaluating (the Lambda
 * functions read exactly these from AWS). An event absent here needs none.
 */
type Facts<S> = (subject: S, baseline: Baseline, known: Knowledge, at: string) => readonly FactRequest[];

const FACTS: { readonly [K in WatchedEventName]?: Facts<SubjectOf<K>> } = {
  ...Object.fromEntries(PERMISSION_EVENTS.map((name) => [name, permissionFacts])),
  ModifyInstanceMetadataOptions: imdsFacts,
  RunInstances: imdsFacts,
  CreateAccessKey: (subject, baseline) =>
    keysWanted(subject, baseline) ? [{ kind: 'accessKeys', userName: subject.userName }] : [],
};

/**
 * `known`: what earlier loads answered. Some facts are needed only once another is known (the envelopes of the
 * principals a policy turns out to be attached to): a caller loads, asks again with the answers, and stops when
 * nothing new is asked.
 */
export function factsNeededFor(
  subject: Subject,
  baseline: Baseline,
  known: Knowledge = NO_KNOWLEDGE,
  at = '',
): readonly FactRequest[] {
  const facts = (FACTS as Partial<Record<WatchedEventName, Facts<Subject>>>)[subject.kind];
  return facts ? facts(subject, baseline, known, at) : [];
}
