/**
 * Replay sources: local files, directories (recursive, the CloudTrail key layout
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`) and `s3://bucket/prefix`. Listing streams: a directory
 * or a bucket of any size is walked one entry or one page at a time, never held in memory.
 */
import type { Dirent } from 'node:fs';
import { opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { errorMessage, UsageError } from '../core/errors.ts';

export type SourceSpec =
  | { readonly kind: 'path'; readonly path: string; readonly isDirectory: boolean }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** What a worker needs to read one input: a local path it reads itself, or bytes already fetched. */
export type JobPayload =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'unreadable'; readonly reason: string };

export interface FileJob {
  /** How the input is named in reports: the path as given, or `s3://bucket/key`. */
  readonly file: string;
  load(): Promise<JobPayload>;
}

const S3_URI = /^s3:\/\/([^/]+)\/?(.*)$/;

/** A file name the directory and bucket walks pick up (a file named on the command line is always read). */
export function isLogFileName(name: string): boolean {
  return name.endsWith('.json') || name.endsWith('.json.gz');
}

/** Digest files prove log integrity; they hold no records. */
const DIGEST_FOLDER = 'CloudTrail-Digest';

/** Checks every source before the replay starts: a missing path or bucket is a usage error (exit 2). */
export async function resolveSources(args: readonly string[], s3?: () => S3Client): Promise<SourceSpec[]> {
  const specs: SourceSpec[] = [];
  for (const arg of args) {
    const s3Match = S3_URI.exec(arg);
    if (s3Match) {
      const bucket = s3Match[1] as string;
      const prefix = s3Match[2] ?? '';
      if (!s3) throw new UsageError(`${arg}: no S3 client`);
      try {
        await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
      } catch (error) {
        const name = (error as { name?: string }).name;
        const reason = name === 'NoSuchBucket' ? 'no such bucket' : `cannot list (${errorMessage(error)})`;
        throw new UsageError(`${arg}: ${reason}`, { cause: error });
      }
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
  return { file: path, load: async () => ({ kind: 'path', path }) };
}

async function* walkDirectory(root: string): AsyncGenerator<string> {
  let dir: AsyncIterable<Dirent>;
  try {
    dir = await opendir(root);
  } catch {
    return; // vanished or unreadable sub-folder: nothing to list
  }
  const folders: string[] = [];
  for await (const entry of dir) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== DIGEST_FOLDER) folders.push(path);
    } else if (entry.isFile() && isLogFileName(entry.name)) yield path;
  }
  // Folders after files, depth first: only one level's folder names are held at a time per depth.
  for (const folder of folders.sort()) yield* walkDirectory(folder);
}

function s3Job(s3: () => S3Client, bucket: string, key: string): FileJob {
  const file = `s3://${bucket}/${key}`;
  return {
    file,
    async load() {
      try {
        const reply = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!reply.Body) return { kind: 'unreadable', reason: 'empty S3 object body' };
        return { kind: 'bytes', bytes: await reply.Body.transformToByteArray() };
      } catch (error) {
        return { kind: 'unreadable', reason: `cannot be read from S3 (${errorMessage(error)})` };
      }
    },
  };
}

/** Every input of the given sources, one at a time. */
export async function* listJobs(
  specs: readonly SourceSpec[],
  options: ListOptions = {},
): AsyncGenerator<FileJob> {
  const keep = (file: string): boolean => {
    if (!outsideDateRange(file, options.since, options.until)) return true;
    options.onPruned?.(file);
    return false;
  };
  for (const spec of specs) {
    if (spec.kind === 'path') {
      if (!spec.isDirectory) {
        yield localJob(spec.path);
        continue;
      }
      for await (const path of walkDirectory(spec.path)) if (keep(path)) yield localJob(path);
      continue;
    }
    const s3 = options.s3;
    if (!s3) continue;
    const pages = paginateListObjectsV2(
      { client: s3(), ...(options.s3PageSize ? { pageSize: options.s3PageSize } : {}) },
      { Bucket: spec.bucket, Prefix: spec.prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || !isLogFileName(key) || key.includes(`/${DIGEST_FOLDER}/`)) continue;
        if (keep(key)) yield s3Job(s3, spec.bucket, key);
      }
    }
  }
}

/** Reads a payload into bytes, on whichever thread runs the scan. */
export async function payloadBytes(payload: JobPayload): Promise<Uint8Array | { readonly reason: string }> {
  if (payload.kind === 'bytes') return payload.bytes;
  if (payload.kind === 'unreadable') return { reason: payload.reason };
  try {
    return await readFile(payload.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no such file (vanished during the replay)' : 'cannot be read' };
  }
}
