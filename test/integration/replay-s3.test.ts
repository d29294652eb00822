/** Replay from s3://bucket/prefix against a real local S3 API (moto), paginated, through AWS_ENDPOINT_URL. */

import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { listJobs, resolveSources } from '../../src/replay/sources.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { createAccessKey, createUser } from '../helpers/records.ts';
import { captureIo, trailKey } from '../helpers/replay.ts';

const BUCKET = 'org-trail-logs';
const ACCOUNT = '123456789012';
let moto: Moto;
let s3: S3Client;

beforeAll(async () => {
  moto = await startMoto();
  for (const [key, value] of Object.entries(MOTO_ENV)) vi.stubEnv(key, value);
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: MOTO_ENV.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const put = (Key: string, Body: Uint8Array | string) =>
    s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
  const user = createUser('s3-backdoor', { eventTime: '2026-03-02T10:00:00Z' });
  for (let day = 1; day <= 5; day++) {
    const records = [
      createAccessKey(`svc-${day}`, { eventTime: `2026-03-0${day}T09:00:00Z` }),
      ...(day === 2 ? [user] : []),
    ];
    await put(
      trailKey(ACCOUNT, 'us-east-1', `2026-03-0${day}`, `d${day}`),
      gzipSync(JSON.stringify({ Records: records })),
    );
  }
  // CloudTrail delivered one file twice; digests and other objects are not logs.
  await put(
    trailKey(ACCOUNT, 'eu-west-1', '2026-03-02', 'dup'),
    gzipSync(JSON.stringify({ Records: [user] })),
  );
  await put(
    `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/03/02/digest.json.gz`,
    gzipSync('{"logFiles":[]}'),
  );
  await put(
    `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/03/corrupt.json.gz`,
    Buffer.from([0x1f, 0x8b, 1, 2, 3]),
  );
  await put('elsewhere/notes.txt', 'hello');
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  s3?.destroy();
  await moto?.stop();
});

describe('replay from S3 (moto)', () => {
  it('lists every log object across pages, skipping digests and other objects', async () => {
    const specs = await resolveSources([`s3://${BUCKET}/AWSLogs/`], () => s3);
    const files: string[] = [];
    const pages: number[] = [];
    for await (const page of listJobs(specs, { s3: () => s3, s3PageSize: 2 })) {
      pages.push(page.length);
      files.push(...page.map((job) => job.file));
    }
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(files).toHaveLength(7);
    expect(files.every((f) => f.startsWith(`s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/`))).toBe(true);
    // It really paged: a full listing takes several requests at two keys each.
    const first = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'AWSLogs/', MaxKeys: 2 }));
    expect(first.IsTruncated).toBe(true);
  });

  it('replays the bucket through the CLI with AWS_ENDPOINT_URL, deduplicating and listing the corrupt object', async () => {
    const io = captureIo({ env: { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: MOTO_ENV.AWS_REGION } });
    const code = await run(
      [
        'replay',
        `s3://${BUCKET}/AWSLogs/${ACCOUNT}/`,
        '--baseline',
        EXAMPLE_BASELINE_PATH,
        '--workers',
        '2',
        '--inline-ms',
        '0',
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.summary).toMatchObject({ files: 7, records: 7, duplicates: 1, malformed: 1, evaluated: 6 });
    expect(report.malformed).toEqual([
      {
        file: `s3://${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/03/03/corrupt.json.gz`,
        reason: expect.stringMatching(/^corrupt or truncated gzip/),
      },
    ]);
    const user = report.findings.find((f: { ruleId: string }) => f.ruleId === 'iam.user.unexpected');
    expect(user.source.file).toBe(`s3://${BUCKET}/${trailKey(ACCOUNT, 'eu-west-1', '2026-03-02', 'dup')}`);
  });

  it('reads only the date folders inside --since/--until', async () => {
    const io = captureIo({ env: { AWS_ENDPOINT_URL: moto.endpoint } });
    const code = await run(
      [
        'replay',
        `s3://${BUCKET}/AWSLogs/`,
        '--baseline',
        EXAMPLE_BASELINE_PATH,
        '--since',
        '2026-03-04',
        '--workers',
        '0',
      ],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.summary).toMatchObject({ files: 2, prunedFiles: 5 });
  });

  it('cannot start on a missing bucket: exit 2, one line', async () => {
    const io = captureIo({ env: { AWS_ENDPOINT_URL: moto.endpoint } });
    const code = await run(
      ['replay', 's3://no-such-bucket/AWSLogs/', '--baseline', EXAMPLE_BASELINE_PATH],
      io,
    );
    expect(code).toBe(2);
    expect(io.err()).toBe('guardrail: s3://no-such-bucket/AWSLogs/: no such bucket\n');
  });
});
