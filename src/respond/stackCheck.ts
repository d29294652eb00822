/**
 * The scheduled stack check's flow: judge the snapshot (src/state/stack.ts), log each finding, send one message
 * when something is wrong, and return a summary. What could not be read is logged and returned, never taken for
 * healthy. Run by the scheduled state scan after the scan itself (handlers/lib/scanHandler.ts).
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { Notifier } from '../notify/notifier.ts';
import { shouldNotify } from '../notify/notifier.ts';
import type { StackSnapshot } from '../state/stack.ts';
import { judgeStack } from '../state/stack.ts';
import type { FindingOutcome, Log } from './outcome.ts';
import { logFinding, outcomeOf } from './outcome.ts';

export interface StackCheckSummary {
  readonly checkId: string;
  readonly trails: number;
  readonly rules: number;
  readonly functions: number;
  readonly unreadable: readonly { readonly what: string; readonly error: string }[];
  readonly findings: readonly FindingOutcome[];
  readonly suppressed: number;
  readonly messageId: string | null;
}

export async function respondToStackCheck(
  snapshot: StackSnapshot,
  baseline: Baseline,
  checkId: string,
  deps: { readonly notifier: Notifier; readonly log: Log },
): Promise<StackCheckSummary> {
  const result = judgeStack(snapshot, baseline, { checkId });
  for (const finding of result.findings) logFinding(deps.log, finding);
  for (const item of snapshot.unreadable) deps.log.warn('stack state not readable', { ...item });
  const worth = result.findings.filter((f) => shouldNotify(f, baseline.notify.minSeverity));
  let messageId: string | null = null;
  if (worth.length > 0) {
    const delivery = await deps.notifier.notifyEvent(worth);
    deps.log.info('notified', { messageId: delivery.messageId, findings: worth.length });
    messageId = delivery.messageId;
  }
  const notified = new Set(worth);
  return {
    checkId,
    trails: snapshot.trails.length,
    rules: snapshot.rules.length,
    functions: snapshot.functions.length,
    unreadable: snapshot.unreadable,
    findings: result.findings.map((f) => ({
      ...outcomeOf(f, notified.has(f) && messageId ? messageId : undefined),
      notified: notified.has(f) && messageId !== null,
    })),
    suppressed: result.suppressed,
    messageId,
  };
}
