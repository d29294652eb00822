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
import type { Subject, SubjectOf, WatchedEventName } from '../events/subjects/index.ts';
import type { PolicyAnalysis } from './policyAnalysis.ts';
import { analyzePolicy } from './policyAnalysis.ts';

export interface RecordInputs {
  readonly PutRolePolicy: {
    /** The envelope comparison and the statements the baseline does not already approve. */
    readonly policy: PolicyAnalysis;
  };
  readonly CreateAccessKey: {
    /** The user's keys just before the call, for an approved user (iam.accesskey.long-lived); else null. */
    readonly accessKeys: Known<readonly AccessKeyFact[]> | null;
  };
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
const FACTS: {
  readonly [K in WatchedEventName]?: (subject: SubjectOf<K>, baseline: Baseline) => readonly FactRequest[];
} = {
  CreateAccessKey: (subject, baseline) =>
    keysWanted(subject, baseline) ? [{ kind: 'accessKeys', userName: subject.userName }] : [],
};

export function factsNeededFor(subject: Subject, baseline: Baseline): readonly FactRequest[] {
  const facts = (
    FACTS as Partial<Record<WatchedEventName, (s: Subject, b: Baseline) => readonly FactRequest[]>>
  )[subject.kind];
  return facts ? facts(subject, baseline) : [];
}
