/**
 * A rule is data plus one function. The engine fills in everything common to all findings (event id, actor,
 * time, account); a rule says only what it found.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { SubjectOf, WatchedEventName } from '../events/subjects/index.ts';
import type { InputsOf } from '../rules/inputs.ts';
import type {
  CloudTrailRecord,
  ImdsParams,
  RemediationAction,
  RuleId,
  Severity,
  TagParams,
  TrailParams,
} from './types.ts';

export type ProposedRemediation =
  | { readonly action: 'tag-ephemeral'; readonly params: TagParams }
  | { readonly action: 'tag-orphaned'; readonly params: TagParams }
  | { readonly action: 'enforce-imdsv2'; readonly params: ImdsParams }
  | { readonly action: 'restore-logging'; readonly params: TrailParams };

export interface RuleMatch {
  readonly summary: string;
  readonly resource: string;
  readonly details: Readonly<Record<string, unknown>>;
  /** Overrides the rule's default severity for this match (e.g. a key for root is critical). */
  readonly severity?: Severity;
  /** Overrides the rule's next steps when this match calls for others (every line must fit what was seen). */
  readonly nextSteps?: readonly string[];
  readonly remediation?: ProposedRemediation;
}

export interface RuleContext<K extends WatchedEventName = WatchedEventName> {
  readonly record: CloudTrailRecord;
  readonly baseline: Baseline;
  /** The caller's ARN, as it appears in findings. */
  readonly actor: string;
  /** What the engine prepared once for this record, shared by every rule of the event (src/rules/inputs.ts). */
  readonly inputs: InputsOf<K>;
}

export interface Rule<K extends WatchedEventName = WatchedEventName> {
  readonly id: RuleId;
  readonly title: string;
  /** Why it matters, in one or two sentences a person on call can act on. */
  readonly rationale: string;
  /** What to do next; notifications and reports print these. */
  readonly nextSteps: readonly string[];
  readonly severity: Severity;
  /**
   * The watched events it judges (their services come from WATCHED_EVENTS, the one list). A rule names what
   * is wrong, not the API call: `iam.policy.drift` listens to every path by which a principal gains access.
   */
  readonly events: readonly K[];
  /** The action its matches may propose; the AWS calls it makes are declared with the action (src/actions). */
  readonly remediation: RemediationAction | null;
  evaluate(subject: SubjectOf<K>, context: RuleContext<K>): readonly RuleMatch[];
}

/** Identity function that keeps K inferred, so `evaluate` sees the union of its events' subjects. */
export function defineRule<K extends WatchedEventName>(rule: Rule<K>): Rule<K> {
  return rule;
}

/**
 * Any rule, whatever its events. Its `evaluate` is typed to accept nothing, so every Rule<K> is one; the engine
 * calls it with the subject of one of the rule's own events.
 */
export type AnyRule = Omit<Rule<WatchedEventName>, 'evaluate'> & {
  evaluate(subject: never, context: never): readonly RuleMatch[];
};
