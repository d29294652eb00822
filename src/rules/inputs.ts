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
import type { FactRequest, Knowledge } from '../core/knowledge.ts';
import type { Subject, SubjectOf, WatchedEventName } from '../events/subjects/index.ts';
import type { InstancesJudgement, TemplateJudgement } from './imds.ts';
import { judgeModify, judgeRun, judgeTemplate } from './imds.ts';
import { imdsFacts } from './imdsFacts.ts';
import type { PolicyAnalysis } from './policyAnalysis.ts';
import { analyzePolicy } from './policyAnalysis.ts';

export interface RecordInputs {
  readonly PutRolePolicy: {
    /** The envelope comparison and the statements the baseline does not already approve. */
    readonly policy: PolicyAnalysis;
  };
  /** Each instance's or template's IMDS settings against its profile, read by both instance IMDS rules. */
  readonly ModifyInstanceMetadataOptions: { readonly imds: InstancesJudgement };
  readonly RunInstances: { readonly imds: InstancesJudgement };
  readonly CreateLaunchTemplate: { readonly imds: TemplateJudgement };
  readonly CreateLaunchTemplateVersion: { readonly imds: TemplateJudgement };
}

/** An event without inputs of its own. */
export type NoInputs = Readonly<Record<never, never>>;

export type InputsOf<K extends WatchedEventName> = K extends keyof RecordInputs ? RecordInputs[K] : NoInputs;

const PREPARE: {
  readonly [K in keyof RecordInputs]: (
    subject: SubjectOf<K>,
    baseline: Baseline,
    knowledge: Knowledge,
    at: string,
  ) => RecordInputs[K];
} = {
  PutRolePolicy: (subject, baseline) => ({ policy: analyzePolicy(subject, baseline) }),
  ModifyInstanceMetadataOptions: (subject, baseline, knowledge, at) => ({
    imds: judgeModify(subject, baseline, knowledge, at),
  }),
  RunInstances: (subject, baseline, knowledge, at) => ({ imds: judgeRun(subject, baseline, knowledge, at) }),
  CreateLaunchTemplate: (subject, baseline) => ({ imds: judgeTemplate(subject, baseline) }),
  CreateLaunchTemplateVersion: (subject, baseline) => ({ imds: judgeTemplate(subject, baseline) }),
};

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
const FACTS: {
  readonly [K in WatchedEventName]?: (subject: SubjectOf<K>, baseline: Baseline) => readonly FactRequest[];
} = {
  ModifyInstanceMetadataOptions: imdsFacts,
  RunInstances: imdsFacts,
};

export function factsNeededFor(subject: Subject, baseline: Baseline): readonly FactRequest[] {
  const facts = (
    FACTS as Partial<Record<WatchedEventName, (s: Subject, b: Baseline) => readonly FactRequest[]>>
  )[subject.kind];
  return facts ? facts(subject, baseline) : [];
}
