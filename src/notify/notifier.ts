/**
 * Where notifications go. One finding per message for live events (so subscription filter policies can
 * select by rule and severity), one digest for many findings (the orphan sweep, a replay).
 */
import type { Finding, Severity } from '../core/types.ts';
import { severityRank } from '../core/types.ts';
import type { Digest } from './types.ts';

export interface Delivery {
  /** The transport's id for the message (SNS MessageId). */
  readonly messageId: string;
  readonly subject: string;
  /** Findings in the message, and findings left out to fit the transport's size limit. */
  readonly shown: number;
  readonly omitted: number;
}

export interface Notifier {
  notify(finding: Finding): Promise<Delivery>;
  digest(digest: Digest): Promise<Delivery>;
}

/**
 * Whether a finding is worth a message: at or above the minimum severity, or a remediation that failed
 * (someone must finish by hand what guardrail could not, whatever the severity).
 */
export function shouldNotify(finding: Finding, minSeverity: Severity): boolean {
  return (
    severityRank(finding.severity) >= severityRank(minSeverity) || finding.remediation?.status === 'failed'
  );
}
