/**
 * What the record flow and the sweep flow share: their dependencies (interfaces only, no AWS client), the
 * per-finding line of a summary, and the log line of a finding.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { Knowledge } from '../core/knowledge.ts';
import type { CloudTrailRecord, Finding, Severity } from '../core/types.ts';
import type { Notifier } from '../notify/notifier.ts';

/** The subset of Powertools' Logger the flows use; tests pass a recorder. */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface RespondDeps {
  /** src/actions' remediator, already told which account the invocation runs in. */
  readonly remediate: (finding: Finding) => Promise<Finding>;
  readonly notifier: Notifier;
  readonly log: Log;
  /** Facts about the account a record's rules need, loaded before evaluating (src/knowledge/lambda.ts). */
  readonly knowledge?: (record: CloudTrailRecord, baseline: Baseline) => Promise<Knowledge>;
}

export interface FindingOutcome {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly resource: string;
  /** What was found, in one sentence (the finding's summary). */
  readonly summary: string;
  readonly remediation: {
    readonly action: string;
    readonly mode: string;
    readonly status: string;
    readonly note?: string;
    readonly error?: string;
  } | null;
  /** SNS message id of its event's message, when the finding was in it (a sweep's digest id is on the summary). */
  readonly messageId?: string;
  readonly notified: boolean;
}

export function outcomeOf(finding: Finding, messageId?: string): FindingOutcome {
  const r = finding.remediation;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    resource: finding.resource,
    summary: finding.summary,
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

export function logFinding(log: Log, finding: Finding): void {
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
