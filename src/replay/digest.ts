/**
 * A replay as one notification: a subject line, the summary, the worst findings first (capped), and a plain
 * text body. Built for a notifier that sends one digest message instead of thousands; every event field is
 * flattened to one line and length-capped, and the subject holds only counts (no attacker-controlled text).
 */
import { oneLine } from '../core/errors.ts';
import type { Severity } from '../core/types.ts';
import { severityRank } from '../core/types.ts';
import { plural, SEVERITIES_WORST_FIRST } from './report/view.ts';
import type { ReplayReport, ReplayScope, ReplaySummary, ReportFinding } from './types.ts';

export interface DigestFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly eventTime: string;
  readonly eventId: string;
  readonly resource: string;
  readonly actor: string;
  readonly summary: string;
}

export interface ReplayDigest {
  /** At most 100 characters (the SNS subject limit), counts only. */
  readonly subject: string;
  readonly summary: ReplaySummary;
  readonly scope: ReplayScope;
  /** Worst first, then oldest first. */
  readonly top: readonly DigestFinding[];
  /** Findings not in `top`. */
  readonly omitted: number;
  /** Plain text body, one line per item, under `maxBytes`. */
  readonly text: string;
}

export interface DigestOptions {
  readonly maxFindings?: number;
  /** SNS messages are at most 256 KiB; leave room for a notifier's own framing. */
  readonly maxBytes?: number;
}

function digestFinding(f: ReportFinding): DigestFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    eventTime: oneLine(f.eventTime, 40),
    eventId: oneLine(f.eventId, 80),
    resource: oneLine(f.resource, 200),
    actor: oneLine(f.actor, 200),
    summary: oneLine(f.summary, 300),
  };
}

export function buildDigest(report: ReplayReport, options: DigestOptions = {}): ReplayDigest {
  const maxFindings = options.maxFindings ?? 25;
  const maxBytes = options.maxBytes ?? 200_000;
  const { summary } = report;
  const worstFirst = [...report.findings].sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      Date.parse(a.eventTime) - Date.parse(b.eventTime),
  );
  const top = worstFirst.slice(0, maxFindings).map(digestFinding);
  const counts = SEVERITIES_WORST_FIRST.filter((s) => summary.bySeverity[s] > 0)
    .map((s) => `${summary.bySeverity[s]} ${s}`)
    .join(', ');
  const subject = oneLine(
    `guardrail replay: ${plural(summary.findings, 'finding')}${counts ? ` (${counts})` : ''} in ${plural(summary.records, 'record')}`,
    100,
  );
  const lines = [
    subject,
    `window: ${report.replay.since ?? 'beginning'} to ${report.replay.until ?? 'end'}`,
    `sources: ${report.replay.sources.map((s) => oneLine(s, 200)).join(', ')}`,
    `files ${summary.files}, records ${summary.records}, duplicates ${summary.duplicates}, malformed ${summary.malformed}, evaluated ${summary.evaluated}, suppressed ${summary.suppressed}`,
    '',
  ];
  let size = Buffer.byteLength(lines.join('\n'));
  let shown = 0;
  for (const f of top) {
    const line = `${f.severity.toUpperCase()} ${f.ruleId} ${f.resource} at ${f.eventTime} by ${f.actor}: ${f.summary}`;
    size += Buffer.byteLength(line) + 1;
    if (size > maxBytes - 200) break;
    lines.push(line);
    shown++;
  }
  const omitted = summary.findings - shown;
  if (omitted > 0) lines.push('', `${plural(omitted, 'more finding')} in the full report.`);
  return {
    subject,
    summary,
    scope: report.replay,
    top: top.slice(0, shown),
    omitted,
    text: `${lines.join('\n')}\n`,
  };
}
