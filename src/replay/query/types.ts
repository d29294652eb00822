/** What a query source yields and says about itself; shared by the Athena and CloudTrail Lake life cycles. */
import type { QueryEngine } from './rows.ts';

/** One page of results, already rebuilt into CloudTrail records. */
export interface QueryPage {
  /** How the page is named in reports: `athena://db.table#<query id>:page-2`. */
  readonly file: string;
  readonly records: readonly Record<string, unknown>[];
}

/** The summary's line for one query: which, how it ended, what it scanned and cost. */
export interface QuerySummary {
  readonly source: string;
  readonly engine: QueryEngine;
  readonly queryId: string;
  readonly state: string;
  readonly rows: number;
  readonly bytesScanned: number;
  /** At list price (Athena: $5 per TB scanned, 10 MB minimum per query; Lake: $0.005 per GB scanned). */
  readonly costUsd: number;
}

export interface QueryLifecycleOptions {
  readonly since?: number;
  readonly until?: number;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Called when the query has ended (what it scanned), and again after its last page (the rows read). */
  readonly onSummary?: (summary: QuerySummary) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First wait between two status checks; it doubles up to 5 s. */
  readonly pollMs?: number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function nextPoll(previous: number): number {
  return Math.min(previous * 2, 5_000);
}
