/**
 * What a replay input is, and which names the walks pick up: a leaf module, so the source listings
 * (sources.ts, s3.ts, the query sources) share it without importing each other.
 */
import type { JobPayload } from './payload.ts';

export interface FileJob {
  /** How the input is named in reports: the path as given, or `s3://bucket/key`. */
  readonly file: string;
  /** A local file: read where it is scanned, with no load step. */
  readonly path?: string;
  /** Bytes, when the listing says (S3 does); a batch for a worker closes early on a large input. */
  readonly sizeHint?: number;
  load(): Promise<JobPayload>;
}

/** A file name the directory and bucket walks pick up (a file named on the command line is always read). */
export function isLogFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.json.gz');
}

/** Digest files prove log integrity; they hold no records. */
export const DIGEST_FOLDER = 'CloudTrail-Digest';

/** An input that could not be listed or read: it is scanned as unreadable, so the report lists it. */
export function unreadableJob(file: string, reason: string): FileJob {
  return { file, load: async () => ({ kind: 'unreadable', reason }) };
}
