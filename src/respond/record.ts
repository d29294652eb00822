/**
 * The record flow: one CloudTrail record through the pure engine, each finding remediated, the findings worth
 * it notified in one message, and a summary returned (stored by the idempotency layer, so a duplicate delivery returns it
 * without acting again).
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { CloudTrailRecord, Finding } from '../core/types.ts';
import { evaluate } from '../engine/evaluate.ts';
import { shouldNotify } from '../notify/notifier.ts';
import type { FindingOutcome, RespondDeps } from './outcome.ts';
import { logFinding, outcomeOf } from './outcome.ts';

export type EventSummary =
  | {
      readonly status: 'skipped';
      readonly eventId: string;
      readonly eventName: string;
      readonly reason: string;
    }
  | {
      readonly status: 'processed';
      readonly eventId: string;
      readonly eventName: string;
      readonly findings: readonly FindingOutcome[];
      readonly suppressed: number;
    };

/**
 * Several findings of one event may propose the same change (IMDSv1 and hop limit both ask for
 * enforce-imdsv2 on one instance): it runs once and every such finding gets its outcome.
 */
async function remediateAll(
  findings: readonly Finding[],
  remediate: RespondDeps['remediate'],
): Promise<Finding[]> {
  const done = new Map<string, Finding['remediation']>();
  const results: Finding[] = [];
  for (const finding of findings) {
    const r = finding.remediation;
    const key = r ? JSON.stringify([r.action, r.mode, r.params]) : undefined;
    const earlier = key ? done.get(key) : undefined;
    if (key && earlier) {
      results.push({ ...finding, remediation: earlier });
      continue;
    }
    const remediated = await remediate(finding);
    if (key) done.set(key, remediated.remediation);
    results.push(remediated);
  }
  return results;
}

/**
 * One CloudTrail record: evaluate, remediate, then one message with every finding at or above the baseline's
 * notify.minSeverity (or whose remediation failed). Throws only what a retry can fix.
 */
export async function respondToRecord(
  record: CloudTrailRecord,
  baseline: Baseline,
  deps: RespondDeps,
): Promise<EventSummary> {
  const knowledge = deps.knowledge ? await deps.knowledge(record, baseline) : undefined;
  const evaluation = evaluate(record, baseline, knowledge ? { knowledge } : {});
  if (evaluation.kind === 'skipped') {
    deps.log.info('skipped', { reason: evaluation.skip.reason });
    return {
      status: 'skipped',
      eventId: record.eventID,
      eventName: record.eventName,
      reason: evaluation.skip.reason,
    };
  }
  for (const { finding, suppression } of evaluation.suppressed) {
    deps.log.info('suppressed', { ruleId: finding.ruleId, resource: finding.resource, by: suppression.path });
  }
  const remediated = await remediateAll(evaluation.findings, deps.remediate);
  for (const finding of remediated) logFinding(deps.log, finding);
  // One message for the event: every finding worth it, in one publish (its attributes list every rule id).
  const worth = remediated.filter((finding) => shouldNotify(finding, baseline.notify.minSeverity));
  let messageId: string | undefined;
  if (worth.length > 0) {
    const delivery = await deps.notifier.notifyEvent(worth);
    messageId = delivery.messageId;
    deps.log.info('notified', { ruleIds: worth.map((f) => f.ruleId), messageId });
  }
  const notified = new Set(worth);
  const outcomes: FindingOutcome[] = remediated.map((finding) =>
    outcomeOf(finding, notified.has(finding) ? messageId : undefined),
  );
  return {
    status: 'processed',
    eventId: record.eventID,
    eventName: record.eventName,
    findings: outcomes,
    suppressed: evaluation.suppressed.length,
  };
}
