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
import { NO_KNOWLEDGE } from '../engine/knowledge.ts';
import type {
  PermissionEventName,
  PermissionSubject,
  Subject,
  SubjectOf,
  WatchedEventName,
} from '../events/subjects/index.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import type { PolicyAnalysis } from './policyAnalysis.ts';
import { analyzePermissions, permissionFacts } from './policyAnalysis.ts';

/** What every permission event prepares: who gains which documents, each compared with its envelope. */
export interface PermissionInputs {
  readonly policy: PolicyAnalysis;
}

export type RecordInputs = { readonly [K in PermissionEventName]: PermissionInputs };

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
} = Object.fromEntries(
  PERMISSION_EVENTS.map((name) => [
    name,
    (subject: PermissionSubject, baseline: Baseline, knowledge: Knowledge, at: string): PermissionInputs => ({
      policy: analyzePermissions(subject, baseline, knowledge, at),
    }),
  ]),
) as never;

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

const FACTS: { readonly [K in WatchedEventName]?: Facts<SubjectOf<K>> } = Object.fromEntries(
  PERMISSION_EVENTS.map((name) => [name, permissionFacts]),
);

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
