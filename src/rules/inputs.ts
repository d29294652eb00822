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
import type { Subject, SubjectOf, WatchedEventName } from '../events/subjects.ts';
import type { PolicyAnalysis } from './policyAnalysis.ts';
import { analyzePolicy } from './policyAnalysis.ts';

export interface RecordInputs {
  readonly PutRolePolicy: {
    /** The envelope comparison and the statements the baseline does not already approve. */
    readonly policy: PolicyAnalysis;
  };
}

/** An event without inputs of its own. */
export type NoInputs = Readonly<Record<never, never>>;

export type InputsOf<K extends WatchedEventName> = K extends keyof RecordInputs ? RecordInputs[K] : NoInputs;

const PREPARE: {
  readonly [K in keyof RecordInputs]: (subject: SubjectOf<K>, baseline: Baseline) => RecordInputs[K];
} = {
  PutRolePolicy: (subject, baseline) => ({ policy: analyzePolicy(subject, baseline) }),
};

const NONE: NoInputs = Object.freeze({});

/** The inputs of a record's rules, prepared once. */
export function prepareInputs<K extends WatchedEventName>(
  subject: SubjectOf<K>,
  baseline: Baseline,
): InputsOf<K> {
  const prepare = (PREPARE as Partial<Record<WatchedEventName, (s: Subject, b: Baseline) => unknown>>)[
    subject.kind
  ];
  return (prepare ? prepare(subject, baseline) : NONE) as InputsOf<K>;
}
