/**
 * The scan flow: the account's state judged (src/state/scan.ts, pure), each finding's remediation run (dry-run
 * unless the baseline enforces the rule: tag-orphaned, tag-ephemeral, enforce-imdsv2), one digest of everything
 * worth a message, and a summary returned. It replaces the orphan sweep: the sweep's two rules are part of it.
 */
import { ActionRetryableError } from '../actions/outcome.ts';
import type { Baseline } from '../baseline/baseline.ts';
import { errorMessage } from '../core/errors.ts';
import type { Finding } from '../core/types.ts';
import { shouldNotify } from '../notify/notifier.ts';
import type { ScanResult } from '../state/scan.ts';
import { scanState } from '../state/scan.ts';
import type { AccountState } from '../state/state.ts';
import { mapLimit } from '../util/mapLimit.ts';
import type { FindingOutcome, RespondDeps } from './outcome.ts';
import { logFinding, outcomeOf } from './outcome.ts';

export interface ScanSummary {
  readonly status: 'scanned';
  readonly scanId: string;
  readonly account: string;
  readonly examined: ScanResult['examined'];
  readonly problems: ScanResult['problems'];
  readonly findings: readonly FindingOutcome[];
  readonly suppressed: number;
  readonly notJudged: ScanResult['notJudged'];
  readonly digest: { readonly messageId: string; readonly shown: number; readonly omitted: number } | null;
}

export interface ScanDeps extends RespondDeps {
  /** Remediations in flight at once (TagUser shares IAM's per-account quota with the reads). */
  readonly concurrency: number;
}

/** Several findings may propose the same change (IMDSv1 and hop limit on one instance): it runs once. */
async function remediateAll(findings: readonly Finding[], deps: ScanDeps): Promise<Finding[]> {
  const runs = new Map<string, Promise<Finding['remediation']>>();
  return mapLimit(findings, deps.concurrency, async (finding) => {
    const r = finding.remediation;
    if (!r) return finding;
    const key = JSON.stringify([r.action, r.mode, r.params]);
    let run = runs.get(key);
    if (!run) {
      run = deps.remediate(finding).then(
        (done) => done.remediation,
        (error: unknown) => {
          // One throttled user or instance must not fail the whole scan; the next scan tries it again.
          if (!(error instanceof ActionRetryableError)) throw error;
          return {
            ...r,
            status: 'failed',
            error: `${errorMessage(error)} (the next scan retries)`,
          } as Finding['remediation'];
        },
      );
      runs.set(key, run);
    }
    return { ...finding, remediation: await run };
  });
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The scan: judge the state, remediate, send one digest of everything worth a message. */
export async function respondToScan(
  state: AccountState,
  baseline: Baseline,
  options: { readonly scanId: string },
  deps: ScanDeps,
): Promise<ScanSummary> {
  const result = scanState(state, baseline, { scanId: options.scanId });
  const remediated = await remediateAll(result.findings, deps);
  for (const finding of remediated) logFinding(deps.log, finding);
  for (const problem of result.problems)
    deps.log.warn('not read', { what: problem.what, error: problem.error });
  for (const skip of result.skipped) deps.log.error('state record not readable', { ...skip });

  const worth = remediated.filter((f) => shouldNotify(f, baseline.notify.minSeverity));
  let digest: ScanSummary['digest'] = null;
  if (worth.length > 0 || result.problems.length > 0) {
    const e = result.examined;
    const notes = [
      ...result.problems.slice(0, 10).map((p) => `Not read, so not judged: ${p.what} (${p.error}).`),
      ...(result.problems.length > 10
        ? [`${result.problems.length - 10} more parts could not be read.`]
        : []),
      ...(result.suppressed.length > 0
        ? [`${plural(result.suppressed.length, 'finding')} suppressed by the baseline.`]
        : []),
      ...(remediated.length > worth.length
        ? [
            `${plural(remediated.length - worth.length, 'finding')} below the minimum severity ${baseline.notify.minSeverity} not listed.`,
          ]
        : []),
    ];
    const delivery = await deps.notifier.digest({
      id: options.scanId,
      kind: 'scan',
      title: `State scan of ${result.account}: ${plural(worth.length, 'finding')}`,
      intro: `guardrail read the account at ${result.scannedAt} (${plural(e.users, 'IAM user')}, ${plural(e.roles, 'role')}, ${plural(e.groups, 'group')}, ${plural(e.policies, 'customer-managed policy', 'customer-managed policies')}, ${plural(e.instances, 'running instance')} in ${plural(e.regions, 'region')}) and judged it against the baseline with the rules events are judged by: what a lost event left behind, or what happened before guardrail watched. Orphaned users are tagged, never deleted.`,
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
  const notified = new Set(worth);
  return {
    status: 'scanned',
    scanId: options.scanId,
    account: result.account,
    examined: result.examined,
    problems: result.problems,
    findings: remediated.map((f) => ({ ...outcomeOf(f), notified: notified.has(f) && digest !== null })),
    suppressed: result.suppressed.length,
    notJudged: result.notJudged,
    digest,
  };
}
