/**
 * Replay sources: local files, directories (recursive, the CloudTrail key layout
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`) and `s3://bucket/prefix`. Listing streams: a directory
 * or a bucket of any size is walked one entry or one page at a time, never held in memory.
 */
import type { Dirent } from 'node:fs';
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { UsageError } from '../core/errors.ts';
import type { FileJob } from './jobs.ts';
import { DIGEST_FOLDER, isLogFileName, unreadableJob } from './jobs.ts';
import { parseAthenaUri, parseLakeUri } from './query/uri.ts';

export type { FileJob } from './jobs.ts';
export { DIGEST_FOLDER, isLogFileName } from './jobs.ts';

export type SourceSpec =
  | { readonly kind: 'path'; readonly path: string; readonly isDirectory: boolean }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string }
  /** A query engine that returns only the watched events; read by replay.ts, not listed as files. */
  | {
      readonly kind: 'athena';
      readonly uri: string;
      readonly database: string;
      readonly table: string;
    }
  | { readonly kind: 'lake'; readonly uri: string; readonly eventDataStore: string };

const S3_URI = /^s3:\/\/([^/]+)\/?(.*)$/;

/** Checks every source before the replay starts: a missing path or bucket is a usage error (exit 2). */
export async function resolveSources(args: readonly string[], s3?: () => S3Client): Promise<SourceSpec[]> {
  const specs: SourceSpec[] = [];
  for (const arg of args) {
    if (arg.startsWith('athena://')) {
      const table = parseAthenaUri(arg);
      if (!table) throw new UsageError(`${arg}: expected athena://DATABASE.TABLE`);
      specs.push({ kind: 'athena', uri: arg, ...table });
      continue;
    }
    if (arg.startsWith('cloudtrail-lake://')) {
      const eventDataStore = parseLakeUri(arg);
      if (!eventDataStore)
        throw new UsageError(`${arg}: expected cloudtrail-lake://EVENT_DATA_STORE (its id or ARN)`);
      specs.push({ kind: 'lake', uri: arg, eventDataStore });
      continue;
    }
    const s3Match = S3_URI.exec(arg);
    if (s3Match) {
      const bucket = s3Match[1] as string;
      const prefix = s3Match[2] ?? '';
      if (!s3) throw new UsageError(`${arg}: no S3 client`);
      // The S3 client library loads only when an s3:// source is given (it is large, and workers never need it).
      const { checkBucket } = await import('./s3.ts');
      await checkBucket(s3(), arg, bucket, prefix);
      specs.push({ kind: 's3', bucket, prefix });
      continue;
    }
    try {
      const info = await stat(arg);
      specs.push({ kind: 'path', path: arg, isDirectory: info.isDirectory() });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`${arg}: ${code === 'ENOENT' ? 'no such file or directory' : 'cannot be read'}`, {
        cause: error,
      });
    }
  }
  return specs;
}

export interface ListOptions {
  readonly s3?: () => S3Client;
  /** Epoch ms bounds of the replay; files in CloudTrail date folders entirely outside are not read. */
  readonly since?: number;
  readonly until?: number;
  /** Called for each file left out because of its date folder. */
  readonly onPruned?: (file: string) => void;
  /** Keys per ListObjectsV2 page (S3's default and maximum is 1000; tests page by 2). */
  readonly s3PageSize?: number;
  /** Lists one folder (default readdirSync); tests inject failures, since root reads every folder. */
  readonly readDir?: (dir: string) => Dirent[];
}

const DAY_MS = 86_400_000;
const DATE_FOLDER = /(?:^|\/)CloudTrail\/[^/]+\/(\d{4})\/(\d{2})\/(\d{2})\//;

/**
 * True when a file in the CloudTrail layout cannot hold a record inside [since, until). A day folder holds
 * the files delivered that day (UTC), so its records are older than the day's end; they may be older than the
 * day itself when delivery was late, hence one day of margin on the `until` side.
 */
export function outsideDateRange(key: string, since?: number, until?: number): boolean {
  if (since === undefined && until === undefined) return false;
  const match = DATE_FOLDER.exec(key.replaceAll('\\', '/'));
  if (!match) return false;
  const dayStart = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(dayStart)) return false;
  if (since !== undefined && dayStart + DAY_MS <= since) return true;
  if (until !== undefined && dayStart - DAY_MS >= until) return true;
  return false;
}

function localJob(path: string): FileJob {
  return { file: path, path, load: async () => ({ kind: 'path', path }) };
}

/**
 * Depth-first, files in name order, one folder's files at a time, with an explicit stack rather than nested
 * generators. Only one folder's listing and the folder names still to visit are held, never a whole tree.
 * A folder that cannot be listed is yielded as one unreadable input, so the report names it.
 */
function* walkDirectory(
  root: string,
  readDir: (dir: string) => Dirent[],
): Generator<{ readonly files: string[] } | { readonly unreadable: FileJob }> {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries: Dirent[];
    try {
      entries = readDir(dir);
    } catch (error) {
      yield { unreadable: unreadableJob(dir, folderReason(error)) };
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const folders: string[] = [];
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== DIGEST_FOLDER) folders.push(path);
      } else if (entry.isFile() && isLogFileName(entry.name)) files.push(path);
    }
    if (files.length > 0) yield { files };
    pending.push(...folders.reverse());
  }
}

function folderReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'folder vanished during the replay';
  if (code === 'EACCES' || code === 'EPERM') return 'folder cannot be read (permission denied)';
  return `folder cannot be read${code ? ` (${code})` : ''}`;
}

const readDirEntries = (dir: string): Dirent[] => readdirSync(dir, { withFileTypes: true });

/**
 * Every input of the given sources, a folder or an S3 page at a time (per-file async steps would cost more
 * than scanning a small log file).
 */
export async function* listJobs(
  specs: readonly SourceSpec[],
  options: ListOptions = {},
): AsyncGenerator<readonly FileJob[]> {
  const keep = (file: string): boolean => {
    if (!outsideDateRange(file, options.since, options.until)) return true;
    options.onPruned?.(file);
    return false;
  };
  for (const spec of specs) {
    if (spec.kind === 'path') {
      if (!spec.isDirectory) {
        yield [localJob(spec.path)];
        continue;
      }
      for (const listed of walkDirectory(spec.path, options.readDir ?? readDirEntries)) {
        if ('unreadable' in listed) {
          yield [listed.unreadable];
          continue;
        }
        const jobs = listed.files.filter(keep).map(localJob);
        if (jobs.length > 0) yield jobs;
      }
      continue;
    }
    if (spec.kind !== 's3') continue; // query sources are read by replay.ts
    const s3 = options.s3;
    if (!s3) continue;
    const { listS3Jobs } = await import('./s3.ts');
    yield* listS3Jobs(s3, spec.bucket, spec.prefix, keep, options.s3PageSize);
  }
}
