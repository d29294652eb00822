/** `guardrail replay --notify`: one digest message through the Lambda's SNS notifier, on moto. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { createAccessKey, createUser, putRolePolicy } from '../helpers/records.ts';
import { captureIo, tempDir, writeLog } from '../helpers/replay.ts';

let moto: Moto;
let account: LocalAccount;
const { dir, cleanup } = tempDir();

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
  for (const [name, value] of Object.entries(MOTO_ENV)) vi.stubEnv(name, value);
  writeLog(dir, 'a.json', [
    createUser('backdoor', { eventTime: '2026-01-10T10:00:00Z' }),
    createAccessKey('backdoor', { eventTime: '2026-01-10T10:01:00Z' }),
    putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    }),
  ]);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  cleanup();
  await moto?.stop();
});

async function replay(...args: string[]) {
  const io = captureIo({ env: { ...MOTO_ENV, AWS_ENDPOINT_URL: moto.endpoint } });
  const code = await run(['replay', dir, '--baseline', EXAMPLE_BASELINE_PATH, '--workers', '0', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('guardrail replay --notify', () => {
  it('sends the findings as one digest message to the topic', async () => {
    const { code, err } = await replay('--notify', account.topicArn, '--format', 'json');
    expect(code).toBe(0);
    expect(err).toMatch(/^notified arn:aws:sns:us-east-1:\d+:[\w-]+: 5 findings in one message \(.+\)\n$/m);
    const messages = await account.topicMessages();
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.subject).toBe('[guardrail] Replay of CloudTrail history: 5 findings');
    expect(message?.attributes.kind?.Value).toBe('replay');
    expect(JSON.parse(message?.bodies.default ?? '{}').content.title).toContain(
      'Replay of CloudTrail history',
    );
    expect(message?.bodies.email).toContain('iam.policy.drift');
  });

  it('exits 3 when the publish fails after the report was written, in one line', async () => {
    const { dir: outDir, cleanup: outCleanup } = tempDir();
    try {
      const out = `${outDir}/report.json`;
      const missing = account.topicArn.replace(/:[\w-]+$/, ':no-such-topic');
      const { code, err } = await replay('--notify', missing, '--out', out);
      expect(code).toBe(3);
      expect(JSON.parse(readFileSync(out, 'utf8')).summary.findings).toBe(5);
      expect(err).toMatch(
        new RegExp(
          `^guardrail: replay incomplete: --notify ${missing} failed: .+; the report was written to ${out}\n$`,
        ),
      );
    } finally {
      outCleanup();
    }
  });

  it('refuses a topic that is not an SNS ARN before replaying anything', async () => {
    const { code, err, out } = await replay('--notify', 'my-topic');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(
      'guardrail: --notify my-topic: expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)\n',
    );
  });
});
