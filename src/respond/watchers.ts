/**
 * Which function reports a change to guardrail's own stack. A deleted, throttled or unplugged function cannot
 * report its own end, so the stack has two watchers that receive the same events (each through its own
 * EventBridge rule): `tamper-events` reports every change except those to itself (its function, or a rule
 * whose name starts with its function's name: the rules that feed it), and `tamper-watch` reports exactly
 * those. Every change is reported by one function that is not its target, and by one only: each function's
 * exactly-once records are its own, so the split, not idempotency, keeps one message per event. Pure.
 */
import type { CloudTrailRecord } from '../core/types.ts';
import { extractSubject } from '../events/subjects/index.ts';

export type Watcher = 'primary' | 'watcher';

/** `primaryFunction`: the name of the function that reports all but its own changes (tamper-events). */
export function reporterOf(record: CloudTrailRecord, primaryFunction: string): Watcher {
  const extracted = extractSubject(record);
  if (!extracted.ok || !('resourceType' in extracted.subject)) return 'primary';
  const { resourceType, name } = extracted.subject;
  if (resourceType === 'function') return name === primaryFunction ? 'watcher' : 'primary';
  if (resourceType === 'rule') return name.startsWith(primaryFunction) ? 'watcher' : 'primary';
  return 'primary';
}

/** Why a watcher leaves a record to the other one, or undefined when it reports it itself. */
export function leftToOther(
  record: CloudTrailRecord,
  self: Watcher,
  primaryFunction: string,
): string | undefined {
  const reporter = reporterOf(record, primaryFunction);
  if (reporter === self) return undefined;
  return reporter === 'watcher'
    ? `a change to ${primaryFunction} itself: reported by its watcher (tamper-watch)`
    : `not a change to ${primaryFunction}: reported by ${primaryFunction}`;
}
