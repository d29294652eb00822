/**
 * The compiled CLI (scripts/build-cli.ts, what `npm ci` builds through prepare and bin/guardrail.js runs) says
 * exactly what the sources say: the same evaluation, and a replay whose scanning threads are compiled too.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../scripts/build-cli.ts';
import { run } from '../../src/cli/main.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { createUser, putRolePolicy } from '../helpers/records.ts';
import { captureIo, tempDir, writeLog } from '../helpers/replay.ts';

// Inside the repository, as dist/cli is: the compiled CLI finds the installed packages (the AWS managed-policy
// data under node_modules/.cache) the way the real one does.
const out = tempDir('guardrail-cli-build-', join(process.cwd(), 'node_modules', '.cache', 'guardrail-test'));
const logs = tempDir('guardrail-cli-logs-');
let compiled: typeof run;

beforeAll(async () => {
  await buildCli(out.dir);
  ({ run: compiled } = (await import(join(out.dir, 'guardrail.js'))) as { run: typeof run });
  for (let index = 0; index < 40; index++)
    writeLog(logs.dir, `AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/10/f${index}.json`, [
      createUser(`backdoor${index}`, { eventTime: '2026-01-10T10:00:00Z' }),
      putRolePolicy('XploreEC2Role', `extra${index}`, {
        Statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      }),
    ]);
}, 120_000);

afterAll(() => {
  out.cleanup();
  logs.cleanup();
});

async function both(args: string[]) {
  const fromSources = captureIo();
  const fromBuild = captureIo();
  const codes = [await run(args, fromSources), await compiled(args, fromBuild)];
  return { codes, sources: fromSources.out(), build: fromBuild.out(), err: fromBuild.err() };
}

describe('the compiled CLI', () => {
  it('evaluates the seed events exactly like the sources (the IAM catalogue found beside its chunk)', async () => {
    const result = await both(['evaluate', 'examples/seed-events.json', '--baseline', EXAMPLE_BASELINE_PATH]);
    expect(result.codes).toEqual([0, 0]);
    expect(result.err).toBe('');
    expect(JSON.parse(result.build)).toEqual(JSON.parse(result.sources));
    expect(JSON.parse(result.build).findings.length).toBeGreaterThan(0);
  });

  it('replays on its own compiled worker threads', async () => {
    const args = [
      'replay',
      logs.dir,
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--workers',
      '1',
      '--inline-ms',
      '0',
    ];
    const result = await both([...args, '--quiet']);
    expect(result.codes).toEqual([0, 0]);
    const [fromSources, fromBuild] = [JSON.parse(result.sources), JSON.parse(result.build)];
    expect(fromBuild.summary).toEqual(fromSources.summary);
    expect(fromBuild.summary.evaluated).toBe(80);
    expect(fromBuild.findings).toEqual(fromSources.findings);
  });
});
