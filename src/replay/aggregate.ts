/**
 * Folds scan results into one report on the main thread. Only watched events are remembered by eventID for
 * deduplication: they are the only records that can change the report, and they are a tiny share of any
 * trail, so the set stays small whatever the corpus size.
 */

import { errorMessage } from '../core/errors.ts';
import type { CloudTrailRecord, Finding, Severity } from '../core/types.ts';
import { SEVERITY_ORDER } from '../core/types.ts';
import type { QuerySummary } from './query/types.ts';
import type { MalformedEntry, ScanResult, WatchedOutcome, WatchedRecord } from './scan.ts';
import type { ReplayReport, ReplayScope, ReportFinding, ReportSuppressed } from './types.ts';

/** Beyond this many entries the malformed list stops growing (its count stays exact). */
export const MALFORMED_LIST_CAP = 10_000;

export interface Progress {
  readonly files: number;
  readonly records: number;
  readonly findings: number;
  readonly malformed: number;
}

function byTime(a: Finding, b: Finding): number {
  return (
    Date.parse(a.eventTime) - Date.parse(b.eventTime) ||
    a.eventId.localeCompare(b.eventId) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.resource.localeCompare(b.resource)
  );
}

const collator = new Intl.Collator('en', { numeric: true });

function findingsOf(watched: WatchedRecord): number {
  return watched.outcome.kind === 'evaluated' ? watched.outcome.findings.length : 0;
}

interface Kept {
  readonly file: string;
  readonly watched: WatchedRecord;
}

/** Which of two deliveries of one event a report keeps: the first by file and position, whatever the timing. */
function before(a: Kept, b: Kept): boolean {
  return (collator.compare(a.file, b.file) || collator.compare(a.watched.where, b.watched.where)) < 0;
}

export class ReplayAggregator {
  /** Watched events by eventID: the dedupe set and the report's content at once. */
  private readonly kept = new Map<string, Kept>();
  /** What the trail teaches, from every input, by eventID (a repeated delivery teaches nothing new). */
  private readonly teaching = new Map<string, CloudTrailRecord>();
  private readonly malformed: MalformedEntry[] = [];
  private findingCount = 0;
  private files = 0;
  private records = 0;
  private duplicates = 0;
  private malformedCount = 0;
  private unreadable = 0;
  private outOfRange = 0;
  private prunedFiles = 0;
  private readonly queries = new Map<string, QuerySummary>();

  constructor(private readonly ruleIds: readonly string[]) {}

  add(result: ScanResult): void {
    this.files++;
    this.records += result.records;
    this.outOfRange += result.outOfRange;
    this.malformedCount += result.malformed.length;
    for (const entry of result.malformed) {
      if (entry.unreadable) this.unreadable++;
      if (this.malformed.length < MALFORMED_LIST_CAP) this.malformed.push(entry);
    }
    for (const watched of result.watched) {
      const candidate: Kept = { file: result.file, watched };
      const existing = this.kept.get(watched.eventId);
      if (existing) {
        this.duplicates++;
        if (!before(candidate, existing)) continue;
        this.findingCount -= findingsOf(existing.watched);
      }
      this.kept.set(watched.eventId, candidate);
      this.findingCount += findingsOf(watched);
    }
    for (const record of result.teaching ?? [])
      if (!this.teaching.has(record.eventID)) this.teaching.set(record.eventID, record);
  }

  /** Every distinct record that teaches, collected from every input so far. */
  teachingRecords(): IterableIterator<CloudTrailRecord> {
    return this.teaching.values();
  }

  /** The records of the deferred events (kept after deduplication). */
  *deferredRecords(): IterableIterator<CloudTrailRecord> {
    for (const { watched } of this.kept.values()) {
      if (watched.outcome.kind === 'deferred') yield watched.outcome.record;
    }
  }

  /** Deferred events waiting for the trail's lessons. */
  deferredCount(): number {
    let count = 0;
    for (const { watched } of this.kept.values()) if (watched.outcome.kind === 'deferred') count++;
    return count;
  }

  /**
   * Judges every deferred event that was kept (after deduplication) with `judge`, once the whole trail is
   * learned. A bug on one record lists it as malformed, as a scan does, and the others are judged.
   */
  resolveDeferred(judge: (record: CloudTrailRecord) => Exclude<WatchedOutcome, { kind: 'deferred' }>): void {
    for (const [eventId, { file, watched }] of this.kept) {
      if (watched.outcome.kind !== 'deferred') continue;
      let outcome: WatchedOutcome;
      try {
        outcome = judge(watched.outcome.record);
      } catch (error) {
        this.kept.delete(eventId);
        this.malformedCount++;
        const entry: MalformedEntry = {
          file,
          ...(watched.where ? { where: watched.where } : {}),
          reason: `guardrail failed on this record: ${errorMessage(error)}`,
          eventId,
        };
        if (this.malformed.length < MALFORMED_LIST_CAP) this.malformed.push(entry);
        continue;
      }
      const resolved: Kept = { file, watched: { ...watched, outcome } };
      this.kept.set(eventId, resolved);
      this.findingCount += findingsOf(resolved.watched);
    }
  }

  prune(): void {
    this.prunedFiles++;
  }

  /** A query's latest summary (it is reported when the query ends and again after its last page). */
  query(summary: QuerySummary): void {
    this.queries.set(summary.queryId, summary);
  }

  progress(): Progress {
    return {
      files: this.files,
      records: this.records,
      findings: this.findingCount,
      malformed: this.malformedCount,
    };
  }

  report(scope: ReplayScope): ReplayReport {
    const unsorted: ReportFinding[] = [];
    const suppressed: ReportSuppressed[] = [];
    let skipped = 0;
    for (const { file, watched } of this.kept.values()) {
      // Unresolved only if the caller never called resolveDeferred: then it is not reported as judged.
      if (watched.outcome.kind === 'deferred') continue;
      if (watched.outcome.kind === 'skipped') {
        skipped++;
        continue;
      }
      const source = { file, ...(watched.where ? { where: watched.where } : {}) };
      for (const finding of watched.outcome.findings) unsorted.push({ ...finding, source });
      for (const { finding, suppression } of watched.outcome.suppressed)
        suppressed.push({ finding: { ...finding, source }, suppression });
    }
    const findings = unsorted.sort(byTime);
    const byRule: Record<string, number> = Object.fromEntries([...this.ruleIds].sort().map((id) => [id, 0]));
    const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
    for (const finding of findings) {
      byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
      bySeverity[finding.severity]++;
    }
    const malformed = [...this.malformed].sort(
      (a, b) => collator.compare(a.file, b.file) || collator.compare(a.where ?? '', b.where ?? ''),
    );
    return {
      summary: {
        files: this.files,
        records: this.records,
        duplicates: this.duplicates,
        malformed: this.malformedCount,
        unreadable: this.unreadable,
        evaluated: this.kept.size,
        findings: findings.length,
        byRule,
        bySeverity,
        skipped,
        suppressed: suppressed.length,
        outOfRange: this.outOfRange,
        prunedFiles: this.prunedFiles,
        malformedOmitted: this.malformedCount - malformed.length,
        ...(this.queries.size > 0 ? { queries: [...this.queries.values()] } : {}),
      },
      findings,
      malformed,
      suppressed: suppressed.sort((a, b) => byTime(a.finding, b.finding)),
      replay: scope,
    };
  }
}
