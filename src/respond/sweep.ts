/**
 * The sweep flow: the orphan sweep's pure verdict over an account snapshot, orphans tagged, one digest of
 * everything worth a message, and a summary returned.
 */
import { ActionRetryableError } from '../actions/outcome.ts';
import type { Baseline } from '../baseline/baseline.ts';
import { errorMessage } from '../core/errors.ts';
import { GuardrailTag } from '../core/tags.ts';
import type { Finding } from '../core/types.ts';
import { shouldNotify } from '../notify/notifier.ts';
import type { AccountSnapshot } from '../sweep/snapshot.ts';
import type { SweepOptions } from '../sweep/sweep.ts';
import { sweepAccount } from '../sweep/sweep.ts';
import { mapLimit } from '../util/mapLimit.ts';
import type { FindingOutcome, RespondDeps } from './outcome.ts';
import { logFinding, outcomeOf } from './outcome.ts';

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

  const worth = remediated.filter((f) => shouldNotify(f, baseline.notify.minSeverity));
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
            `${remediated.length - worth.length} finding(s) below the minimum severity ${baseline.notify.minSeverity} not listed.`,
          ]
        : []),
    ];
    const delivery = await deps.notifier.digest({
      id: options.sweepId,
      kind: 'sweep',
      title: `Orphan sweep of ${snapshot.account}: ${worth.length} finding${worth.length === 1 ? '' : 's'}`,
      intro: `guardrail examined ${result.usersExamined} IAM user(s) at ${options.now}: ephemeral users past expiry or unused for more than ${baseline.unusedDays} days are tagged ${GuardrailTag.orphaned} (never deleted); access keys older than ${baseline.rotationDays} days are listed.`,
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
