/**
 * A replay as one notification: the notifier's Digest (the same SNS notifier and renderings as the Lambda),
 * built from a report. The notifier orders findings worst first and leaves out the least severe when the
 * message would exceed SNS's size limit; this adapter says what ran, what it covered and where the report is.
 */
import type { Severity } from '../core/types.ts';
import { shouldNotify } from '../notify/notifier.ts';
import type { Digest } from '../notify/types.ts';
import { plural } from './report/view.ts';
import type { ReplayReport } from './types.ts';

export interface ReplayDigestOptions {
  /** Stable id of this replay (the chat thread derives from it). */
  readonly id: string;
  /** Findings below it are counted, not listed (failed remediations are always listed). */
  readonly minSeverity: Severity;
  /** Where the full report was written, when it was (a path or an s3:// URL). */
  readonly reportLocation?: string;
}

export function replayDigest(report: ReplayReport, options: ReplayDigestOptions): Digest {
  const { summary, replay } = report;
  const listed = report.findings.filter((finding) => shouldNotify(finding, options.minSeverity));
  const window = `${replay.since ?? 'the beginning of the logs'} to ${replay.until ?? 'their end'}`;
  const notes = [
    ...(options.reportLocation ? [`Full report: ${options.reportLocation}`] : []),
    ...(listed.length < report.findings.length
      ? [
          `${plural(report.findings.length - listed.length, 'finding')} below ${options.minSeverity} not listed here.`,
        ]
      : []),
    ...(summary.malformed > 0
      ? [
          `${plural(summary.malformed, 'malformed record')} skipped; the report lists each with its file and reason.`,
        ]
      : []),
    ...(summary.suppressed > 0
      ? [`${plural(summary.suppressed, 'finding')} suppressed by the baseline.`]
      : []),
  ];
  return {
    id: options.id,
    kind: 'replay',
    title: `Replay of CloudTrail history: ${plural(summary.findings, 'finding')}`,
    intro:
      `guardrail replayed ${plural(summary.records, 'record')} from ${plural(summary.files, 'file')} ` +
      `(${replay.sources.join(', ')}), ${window}, against the baseline ${replay.baseline}: ` +
      `${summary.evaluated} watched events evaluated, ${plural(summary.duplicates, 'duplicate')} dropped.`,
    findings: listed,
    notes,
  };
}
