/**
 * Where notifications go. One message per CloudTrail event, with all its findings (its attributes carry every
 * rule id and the worst severity, so subscription filter policies can still select), and one digest for many
 * events' findings (the orphan sweep, a replay).
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
  /** The findings of one CloudTrail event (at least one), in one message. */
  notifyEvent(findings: readonly Finding[]): Promise<Delivery>;
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
