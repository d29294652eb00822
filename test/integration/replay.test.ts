/** `guardrail replay` end to end: the CLI in-process, and once through bin/guardrail.js as a user runs it. */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { RULES } from '../../src/rules/index.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { createAccessKey, createUser, modifyImds } from '../helpers/records.ts';
import {
  CORPUS_MISSING,
  captureIo,
  corpus,
  corpusPath,
  tempDir,
  trailKey,
  writeLog,
} from '../helpers/replay.ts';

const BIN = fileURLToPath(new URL('../../bin/guardrail.js', import.meta.url));
const exec = promisify(execFile);

let dir: string;
let cleanup: () => void;
beforeAll(() => {
  ({ dir, cleanup } = tempDir());
  writeLog(dir, trailKey('123456789012', 'us-east-1', '2026-01-10', 'a'), [
    createUser('backdoor', { eventTime: '2026-01-10T10:00:00Z' }),
    createAccessKey('backdoor', { eventTime: '2026-01-10T10:01:00Z' }),
  ]);
  writeLog(dir, trailKey('123456789012', 'eu-west-1', '2026-02-20', 'b'), [
    modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }, undefined, {
      eventTime: '2026-02-20T08:00:00Z',
    }),
  ]);
  // Truncated gzip, a file that is not CloudTrail, and a record with a non-ISO time.
  const whole = gzipSync(JSON.stringify({ Records: [createUser('lost')] }));
  writeFileSync(join(dir, 'truncated.json.gz'), whole.subarray(0, whole.length - 12));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'not-a-trail' }));
  writeLog(dir, 'odd-time.json', [{ ...createUser('late'), eventTime: '20/02/2026 10:00' }]);
});
afterAll(() => cleanup());

async function replay(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const code = await run(['replay', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('guardrail replay', () => {
  it('completes despite corrupt input: exit 0, the bad ones counted and listed with file and reason', async () => {
    const { code, out, err } = await replay([
      dir,
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--workers',
      '2',
      '--inline-ms',
      '0',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.summary).toMatchObject({ files: 5, records: 4, duplicates: 0, malformed: 3, evaluated: 3 });
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'iam.user.unexpected',
      'iam.accesskey.long-lived',
      'ec2.imds.v1-allowed',
    ]);
    const reasons = Object.fromEntries(
      report.malformed.map((m: { file: string; reason: string }) => [m.file.slice(dir.length + 1), m.reason]),
    );
    expect(reasons).toEqual({
      'odd-time.json': 'eventTime: expected an ISO 8601 time',
      'package.json': expect.stringMatching(/^not a CloudTrail record/),
      'truncated.json.gz': expect.stringMatching(/^corrupt or truncated gzip/),
    });
  });

  it('filters by time and rule, and prunes date folders outside the window', async () => {
    const { code, out } = await replay([
      dir,
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--since',
      '2026-02-01',
      '--rule',
      'ec2.imds.v1-allowed,iam.user.unexpected',
      '--workers',
      '0',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['ec2.imds.v1-allowed']);
    expect(report.summary).toMatchObject({ prunedFiles: 1, outOfRange: 0 });
    expect(Object.keys(report.summary.byRule)).toEqual(['ec2.imds.v1-allowed', 'iam.user.unexpected']);
    expect(report.replay.since).toBe('2026-02-01T00:00:00.000Z');
  });

  it.each([
    [['/no/such/trail'], /^guardrail: \/no\/such\/trail: no such file or directory\n$/],
    [
      ['--rule', 'iam.nope'],
      /^guardrail: --rule iam\.nope: unknown rule id; known ids: iam\.user\.ephemeral, .*guardrail\.tamper\n$/,
    ],
    [['--since', 'last tuesday'], /^guardrail: --since: "last tuesday" is not a time/],
    [['--format', 'pdf'], /^guardrail: option '-f, --format <format>' argument 'pdf' is invalid/],
    [['--out', '/no/such/dir/r.html'], /^guardrail: --out \/no\/such\/dir\/r\.html: no such directory/],
  ])('cannot start with %j: exit 2, one line on stderr', async (extra, message) => {
    const sources = extra[0]?.startsWith('/no/such/trail') ? [] : [dir];
    const { code, out, err } = await replay([...sources, '--baseline', EXAMPLE_BASELINE_PATH, ...extra]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an invalid baseline before reading anything: exit 2, the file and line named', async () => {
    const bad = join(dir, 'bad-baseline.yml');
    writeFileSync(bad, 'version: 1\nrules:\n  ec2.imds.v1-allowed:\n    enfroce: true\n');
    const { code, err } = await replay([dir, '--baseline', bad]);
    expect(code).toBe(2);
    expect(err).toMatch(/^guardrail: .*bad-baseline\.yml:4: .*enfroce: unknown key/);
  });

  it('writes the format --out implies, and every format renders', async () => {
    const out = join(dir, 'report.html');
    const { code, out: stdout } = await replay([
      dir,
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--out',
      out,
      '--quiet',
      '--workers',
      '0',
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    for (const [format, start] of [
      ['md', '# Guardrail replay report'],
      ['csv', 'eventTime,severity,ruleId'],
      ['sarif', '{'],
    ] as const) {
      const result = await replay([
        dir,
        '--baseline',
        EXAMPLE_BASELINE_PATH,
        '--format',
        format,
        '--workers',
        '0',
      ]);
      expect(result.code).toBe(0);
      expect(result.out.startsWith(start)).toBe(true);
    }
  });
});

describe.skipIf(!corpus)('guardrail replay on the real corpus', () => {
  it('replays cloudtrail-tracker and target-events through bin/guardrail.js with worker threads', async () => {
    const { stdout, stderr } = await exec(
      process.execPath,
      [
        BIN,
        'replay',
        corpusPath(),
        '--baseline',
        EXAMPLE_BASELINE_PATH,
        '--workers',
        '2',
        '--inline-ms',
        '0',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    // 687 log files + 38 target-event files; every record read, none lost.
    expect(report.summary).toMatchObject({ files: 725, records: 6518, malformed: 5 });
    expect(report.summary.findings).toBeGreaterThan(0);
    expect(Object.keys(report.summary.byRule).sort()).toEqual(RULES.map((r) => r.id).sort());
    const times = report.findings.map((f: { eventTime: string }) => Date.parse(f.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

if (!corpus) console.warn(CORPUS_MISSING);
