/**
 * Offline knowledge learned from the trail itself: a ledger learns facts from the records of some watched
 * events (a CreatePolicyVersion carries the new document, an AddUserToGroup a membership, a CreateAccessKey a
 * key) and answers Knowledge getters as of a time. A ledger keeps what it learns with the record's
 * eventTime and answers "as of `at`" from that history, so the order in which records are learned does not
 * change an answer (the replay reads files in parallel and out of order).
 */
import type { Knowledge } from '../core/knowledge.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import type { Subject, WatchedEventName } from '../events/subjects/index.ts';

export interface Ledger {
  /** The watched events it learns from (successful calls only). */
  readonly learnsFrom: readonly WatchedEventName[];
  learn(subject: Subject, record: CloudTrailRecord): void;
  /** The getters it answers; a getter it leaves out falls through to the next ledger or the base knowledge. */
  readonly answers: Partial<Knowledge>;
  /**
   * Whether a question to one of its getters is one the trail could answer (default: every question to
   * `answers`). The replay defers a record only when its evaluation asked such a question (trail.ts), so a
   * ledger that merely passes some questions on (AWS managed policies, which no trail creates) says so here.
   */
  readonly fromTrail?: (getter: keyof Knowledge, args: readonly unknown[]) => boolean;
}
