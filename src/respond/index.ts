/**
 * What the Lambda does with a record or a sweep, written against interfaces (no AWS client here): evaluate
 * with the pure engine or sweep, remediate each finding, notify what is worth a message, and return a
 * summary (stored by the idempotency layer, so a duplicate delivery returns it without acting again).
 */

import type { Remediate } from '../actions/index.ts';
import { ActionRetryableError } from '../actions/outcome.ts';
import type { Baseline } from '../baseline/baseline.ts';
import { evaluate } from '../core/engine.ts';
import { errorMessage } from '../core/errors.ts';
import type { CloudTrailRecord, Finding, Severity } from '../core/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import { shouldNotify } from '../notify/notifier.ts';
import { mapLimit } from '../sweep/pool.ts';
import type { AccountSnapshot } from '../sweep/snapshot.ts';
import type { SweepOptions } from '../sweep/sweep.ts';
import { sweepAccount } from '../sweep/sweep.ts';

/** The subset of Powertools' Logger the pipeline uses; tests pass a recorder. */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface RespondDeps {
  readonly remediate: Remediate;
  readonly notifier: Notifier;
  readonly minSeverity: Severity;
  readonly log: Log;
}

export interface FindingOutcome {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly resource: string;
  readonly remediation: {
    readonly action: string;
    readonly mode: string;
    readonly status: string;
    readonly note?: string;
    readonly error?: string;
  } | null;
  /** SNS message id when the finding was notified on its own. */
  readonly messageId?: string;
  readonly notified: boolean;
}

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

function outcomeOf(finding: Finding, messageId?: string): FindingOutcome {
  const r = finding.remediation;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    resource: finding.resource,
    remediation: r
      ? {
          action: r.action,
          mode: r.mode,
          status: r.status,
          ...(r.note ? { note: r.note } : {}),
          ...(r.error ? { error: r.error } : {}),
        }
      : null,
    notified: messageId !== undefined,
    ...(messageId !== undefined ? { messageId } : {}),
  };
}

function logFinding(log: Log, finding: Finding): void {
  const r = finding.remediation;
  const entry = {
    ruleId: finding.ruleId,
    severity: finding.severity,
    resource: finding.resource,
    ...(r
      ? { remediation: { action: r.action, mode: r.mode, status: r.status, note: r.note, error: r.error } }
      : {}),
  };
  if (r?.status === 'failed') log.error('remediation failed', entry);
  else log.info('finding', entry);
}

/**
 * Several findings of one event may propose the same change (IMDSv1 and hop limit both ask for
 * enforce-imdsv2 on one instance): it runs once and every such finding gets its outcome.
 */
async function remediateAll(findings: readonly Finding[], remediate: Remediate): Promise<Finding[]> {
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

/** One CloudTrail record: evaluate, remediate, notify each finding worth it. Throws only what a retry can fix. */
export async function respondToRecord(
  record: CloudTrailRecord,
  baseline: Baseline,
  deps: RespondDeps,
): Promise<EventSummary> {
  const evaluation = evaluate(record, baseline);
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
  const outcomes: FindingOutcome[] = [];
  for (const finding of remediated) {
    logFinding(deps.log, finding);
    if (!shouldNotify(finding, deps.minSeverity)) {
      outcomes.push(outcomeOf(finding));
      continue;
    }
    const delivery = await deps.notifier.notify(finding);
    deps.log.info('notified', { ruleId: finding.ruleId, messageId: delivery.messageId });
    outcomes.push(outcomeOf(finding, delivery.messageId));
  }
  return {
    status: 'processed',
    eventId: record.eventID,
    eventName: record.eventName,
    findings: outcomes,
    suppressed: evaluation.suppressed.length,
  };
}

export interface SweepSummary {
  readonly status: 'swept';
  readonly sweepId: string;
  readonly usersExamined: number;
  readonly unreadable: readonly { readonly userName: string; readonly error: string }[];
  readonly findings: readonly FindingOutcome[];
  readonly suppressed: number;
  readonly digest: { readonly messageId: string; readonly shown: number; readonly omitted: number } | null;
}

export interface SweepDeps extends RespondDeps {
  /** Remediations in flight at once (TagUser shares IAM's per-account quota with the reads). */
  readonly concurrency: number;
}

/** The orphan sweep: judge the snapshot, tag orphans, send one digest of everything worth a message. */
export async function respondToSweep(
  snapshot: AccountSnapshot,
  baseline: Baseline,
  options: SweepOptions,
  deps: SweepDeps,
): Promise<SweepSummary> {
  const result = sweepAccount(snapshot, baseline, options);
  const remediated = await mapLimit(result.findings, deps.concurrency, async (finding) => {
    try {
      return await deps.remediate(finding);
    } catch (error) {
      // One throttled user must not fail the whole sweep; tomorrow's sweep tries it again.
      if (!(error instanceof ActionRetryableError) || !finding.remediation) throw error;
      return {
        ...finding,
        remediation: {
          ...finding.remediation,
          status: 'failed',
          error: `${errorMessage(error)} (the next sweep retries)`,
        },
      } as Finding;
    }
  });
  for (const finding of remediated) logFinding(deps.log, finding);
  for (const user of snapshot.unreadable)
    deps.log.warn('user not readable', { userName: user.userName, error: user.error });

  const worth = remediated.filter((f) => shouldNotify(f, deps.minSeverity));
  let digest: SweepSummary['digest'] = null;
  if (worth.length > 0 || snapshot.unreadable.length > 0) {
    const notes = [
      ...(snapshot.unreadable.length > 0
        ? [
            `${snapshot.unreadable.length} user(s) could not be read and were not judged: ${snapshot.unreadable
              .slice(0, 10)
              .map((u) => `${u.userName} (${u.error})`)
              .join('; ')}${snapshot.unreadable.length > 10 ? '; ...' : ''}`,
          ]
        : []),
      ...(result.suppressed.length > 0
        ? [`${result.suppressed.length} finding(s) suppressed by the baseline.`]
        : []),
      ...(remediated.length > worth.length
        ? [
            `${remediated.length - worth.length} finding(s) below the minimum severity ${deps.minSeverity} not listed.`,
          ]
        : []),
    ];
    const delivery = await deps.notifier.digest({
      id: options.sweepId,
      kind: 'sweep',
      title: `Orphan sweep of ${snapshot.account}: ${worth.length} finding${worth.length === 1 ? '' : 's'}`,
      intro: `guardrail examined ${result.usersExamined} IAM user(s) at ${options.now}: ephemeral users past expiry or unused for more than ${baseline.unusedDays} days are tagged ${'guardrail:orphaned'} (never deleted); access keys older than ${baseline.rotationDays} days are listed.`,
      findings: worth,
      notes,
    });
    deps.log.info('notified', {
      messageId: delivery.messageId,
      shown: delivery.shown,
      omitted: delivery.omitted,
    });
    digest = { messageId: delivery.messageId, shown: delivery.shown, omitted: delivery.omitted };
  }
  const notifiedSet = new Set(worth);
  return {
    status: 'swept',
    sweepId: options.sweepId,
    usersExamined: result.usersExamined,
    unreadable: snapshot.unreadable,
    findings: remediated.map((f) => ({ ...outcomeOf(f), notified: notifiedSet.has(f) && digest !== null })),
    suppressed: result.suppressed.length,
    digest,
  };
}
