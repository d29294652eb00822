/** The replay's result, one shape for every output format and for a notifier's digest. */
import type { Finding, Severity } from '../core/types.ts';
import type { QuerySummary } from './query/types.ts';
import type { MalformedEntry } from './scan.ts';

/** Where the record behind a finding was read. */
export interface FindingSource {
  readonly file: string;
  /** Inside the file, e.g. `Records[12]`; absent when the file is the record. */
  readonly where?: string;
}

/** A Finding (the shared contract, unchanged) plus where its record came from. */
export interface ReportFinding extends Finding {
  readonly source: FindingSource;
}

export interface ReportSuppressed {
  readonly finding: ReportFinding;
  readonly suppression: { readonly path: string; readonly reason: string };
}

export interface ReplaySummary {
  /** Inputs read (files, S3 objects, LookupEvents pages), unreadable ones included. */
  readonly files: number;
  /** Records read, duplicates included. */
  readonly records: number;
  /** Repeated deliveries of a watched event (same eventID) that were dropped. */
  readonly duplicates: number;
  /** Malformed inputs and records (each listed in `malformed`). */
  readonly malformed: number;
  /** Of those, inputs that could not be read at all (a folder, an S3 object, a LookupEvents query). */
  readonly unreadable: number;
  /** Distinct watched events in range given to the engine. */
  readonly evaluated: number;
  readonly findings: number;
  /** Findings per rule, every rule of the replay included (zero when it found nothing). */
  readonly byRule: Readonly<Record<string, number>>;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Evaluated events the engine skipped: failed calls, the guardrail's own roles, unreadable parameters. */
  readonly skipped: number;
  /** Findings a baseline suppression silenced (listed in `suppressed`). */
  readonly suppressed: number;
  /** Records outside --since/--until. */
  readonly outOfRange: number;
  /** Files not read because their CloudTrail date folder lies outside --since/--until. */
  readonly prunedFiles: number;
  /** Malformed entries left out of the list beyond its cap (the count above stays exact). */
  readonly malformedOmitted: number;
  /** Athena and CloudTrail Lake queries: id, rows, data scanned and cost; absent without a query source. */
  readonly queries?: readonly QuerySummary[];
}

/** What was replayed, for the report's header. */
export interface ReplayScope {
  readonly sources: readonly string[];
  readonly baseline: string;
  readonly rules: readonly string[];
  readonly since?: string;
  readonly until?: string;
}

export interface ReplayReport {
  readonly summary: ReplaySummary;
  /** Ordered by eventTime, then eventId and rule id. */
  readonly findings: readonly ReportFinding[];
  readonly malformed: readonly MalformedEntry[];
  readonly suppressed: readonly ReportSuppressed[];
  readonly replay: ReplayScope;
}
