/** The S3 side of the sources: bucket check, paginated listing, object fetch. Loaded only for s3:// sources. */
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { describeAwsError } from '../aws/errors.ts';
import { SourceError } from './errors.ts';
import type { FileJob } from './jobs.ts';
import { DIGEST_FOLDER, isLogFileName } from './jobs.ts';

export async function checkBucket(s3: S3Client, arg: string, bucket: string, prefix: string): Promise<void> {
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    const reason = name === 'NoSuchBucket' ? 'no such bucket' : `cannot list (${describeAwsError(error)})`;
    throw new SourceError(`${arg}: ${reason}`, { cause: error });
  }
}

function s3Job(s3: () => S3Client, bucket: string, key: string, size: number | undefined): FileJob {
  return {
    file: `s3://${bucket}/${key}`,
    ...(size !== undefined ? { sizeHint: size } : {}),
    async load() {
      try {
        const reply = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!reply.Body) return { kind: 'unreadable', reason: 'empty S3 object body' };
        return { kind: 'bytes', bytes: await reply.Body.transformToByteArray() };
      } catch (error) {
        return { kind: 'unreadable', reason: `cannot be read from S3 (${describeAwsError(error)})` };
      }
    },
  };
}

/** One ListObjectsV2 page at a time: a bucket of any size is never listed into memory. */
export async function* listS3Jobs(
  s3: () => S3Client,
  bucket: string,
  prefix: string,
  keep: (key: string) => boolean,
  pageSize?: number,
): AsyncGenerator<readonly FileJob[]> {
  const pages = paginateListObjectsV2(
    { client: s3(), ...(pageSize ? { pageSize } : {}) },
    { Bucket: bucket, Prefix: prefix },
  );
  for await (const page of pages) {
    const jobs: FileJob[] = [];
    for (const object of page.Contents ?? []) {
      const key = object.Key;
      if (!key || !isLogFileName(key) || key.includes(`/${DIGEST_FOLDER}/`)) continue;
      if (keep(key)) jobs.push(s3Job(s3, bucket, key, object.Size));
    }
    if (jobs.length > 0) yield jobs;
  }
}
