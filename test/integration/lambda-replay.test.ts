/** The built replay function (dist/handlers/replay.js) against moto: logs in S3 → report in S3 + one digest. */
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { attachPolicy, createUser, putRolePolicy } from '../helpers/records.ts';

let moto: Moto;
let account: LocalAccount;
let s3: S3Client;
let env: Record<string, string>;

const TRAIL = 'org-trail';
const REPORTS = 'guardrail-reports';
const LOG_KEY =
  'AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/10/123456789012_CloudTrail_us-east-1_20260110T1000Z_a.json.gz';

const ADMIN_KEY =
  'other/AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/11/123456789012_CloudTrail_us-east-1_20260111T1000Z_b.json.gz';

beforeAll(async () => {
  // The AWS managed policies, which the replay function reads from IAM (moto.server inherits this environment).
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  moto = await startMoto();
  account = await localAccount(moto);
  s3 = new S3Client({
    endpoint: moto.endpoint,
    region: MOTO_ENV.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  });
  for (const bucket of [TRAIL, REPORTS]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const log = {
    Records: [
      createUser('backdoor', { eventTime: '2026-01-10T10:00:00Z' }),
      putRolePolicy(
        'XploreEC2Role',
        'XploreS3Access',
        { Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
        { eventTime: '2026-01-10T10:05:00Z' },
      ),
      createUser('chatbot-dev-alice', { eventTime: '2026-01-10T10:06:00Z' }),
    ],
  };
  await s3.send(new PutObjectCommand({ Bucket: TRAIL, Key: LOG_KEY, Body: gzipSync(JSON.stringify(log)) }));
  const admin = {
    Records: [
      attachPolicy('Role', 'XploreEC2Role', 'arn:aws:iam::aws:policy/AdministratorAccess', {
        eventTime: '2026-01-11T10:00:00Z',
      }),
    ],
  };
  await s3.send(
    new PutObjectCommand({ Bucket: TRAIL, Key: ADMIN_KEY, Body: gzipSync(JSON.stringify(admin)) }),
  );
  env = { ...account.env, GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH, GUARDRAIL_REPORT_BUCKET: REPORTS };
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await moto?.stop();
});

async function text(key: string): Promise<string> {
  const reply = await s3.send(new GetObjectCommand({ Bucket: REPORTS, Key: key }));
  return (await reply.Body?.transformToString()) ?? '';
}

describe('built replay on moto', () => {
  it('replays an S3 prefix, writes the HTML and JSON reports, and sends one digest', async () => {
    const run = await invokeBuilt('replay', [{ source: `s3://${TRAIL}/AWSLogs/`, since: '2026-01-01' }], env);
    expect(run.initError).toBeUndefined();
    const [result] = run.results;
    if (!result?.ok) throw new Error(`replay failed: ${JSON.stringify(result)}`);
    const value = result.value as {
      replayId: string;
      reports: string[];
      summary: Record<string, number>;
      messageId: string;
    };
    // s3:* on * also allows deleting the seeds' buckets, which the example baseline never grants anyone.
    expect(value.summary).toMatchObject({ files: 1, records: 3, evaluated: 3, findings: 4, malformed: 0 });
    expect(value.reports).toEqual([
      `s3://${REPORTS}/guardrail/replays/${value.replayId}.html`,
      `s3://${REPORTS}/guardrail/replays/${value.replayId}.json`,
    ]);
    const json = JSON.parse(await text(`guardrail/replays/${value.replayId}.json`));
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.wildcard',
      'iam.user.unexpected',
    ]);
    expect(await text(`guardrail/replays/${value.replayId}.html`)).toMatch(/^<!doctype html>/i);

    const messages = await account.topicMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe('[guardrail] Replay of CloudTrail history: 4 findings');
    expect(messages[0]?.bodies.email).toContain(
      `Full report: s3://${REPORTS}/guardrail/replays/${value.replayId}.html`,
    );
    expect(value.messageId).not.toBe('');
  });

  it('judges an AWS managed policy gained in the history from its document, read from IAM', async () => {
    const run = await invokeBuilt(
      'replay',
      [{ source: `s3://${TRAIL}/other/`, since: '2026-01-01', notify: false }],
      env,
    );
    const [result] = run.results;
    if (!result?.ok) throw new Error(`replay failed: ${JSON.stringify(result)}`);
    const value = result.value as { replayId: string };
    const json = JSON.parse(await text(`guardrail/replays/${value.replayId}.json`));
    const ids = json.findings.map((f: { ruleId: string }) => f.ruleId).sort();
    // AdministratorAccess on the Xplore instance role: what `guardrail replay` says from the data package.
    expect(ids).toEqual(
      expect.arrayContaining(['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.privesc']),
    );
    expect(ids).not.toContain('iam.policy.unknown-document');
  });

  it('refuses a bad payload with one line naming the field, and sends nothing', async () => {
    const before = (await account.topicMessages()).length;
    const run = await invokeBuilt(
      'replay',
      [{ source: 'https://example.com/logs' }, { format: 'pdf', since: '7d' }, {}],
      env,
    );
    expect(run.results.map((r) => (r.ok ? 'ok' : r.error.message))).toEqual([
      'replay request: source: expected s3://bucket/prefix (or a list of them)',
      expect.stringMatching(/^replay request: format: /),
      'replay request: expected source (s3://bucket/prefix), athena ({"table": "DATABASE.TABLE"}) or a time range (since, until)',
    ]);
    expect((await account.topicMessages()).length).toBe(before);
  });
});
