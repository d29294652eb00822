import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';
import {
  attachPolicy,
  createPolicy,
  createPolicyVersion,
  createUser,
  eventBridge,
  modifyImds,
  policyArn,
  putRolePolicy,
} from '../helpers/records.ts';

// The AWS managed-policy data the bin would otherwise compact on its first evaluate (saying so on stderr).
beforeAll(() => ensureManagedPolicyData(), 120_000);

const BIN = fileURLToPath(new URL('../../bin/guardrail.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'guardrail-cli-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

const drifted = putRolePolicy('XploreEC2Role', 'XploreS3Access', {
  Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
});
const failedCall = createUser('x');
const failed = { ...failedCall, errorCode: 'AccessDenied', errorMessage: 'denied' };

describe('guardrail evaluate', () => {
  it('prints findings and skips as JSON and exits 0, whatever it found', async () => {
    const log = file('log.json', JSON.stringify({ Records: [drifted, failed, { eventID: 'bad' }] }));
    const { code, stdout, stderr } = await cli(
      'evaluate',
      log,
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--format',
      'json',
    );
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const output = JSON.parse(stdout);
    expect(output.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.wildcard',
    ]);
    expect(output.skipped).toEqual([
      {
        eventId: failedCall.eventID,
        where: `${log}.Records[1]`,
        reason: 'failed call (errorCode AccessDenied)',
      },
      {
        eventId: 'bad',
        where: `${log}.Records[2]`,
        reason: expect.stringMatching(/^malformed record: eventTime: missing$/),
      },
    ]);
  });

  it('reads .json.gz, several files, and an EventBridge envelope', async () => {
    const gz = file('a.json.gz', gzipSync(JSON.stringify({ Records: [createUser('backdoor')] })));
    const envelope = file(
      'b.json',
      JSON.stringify(eventBridge(modifyImds('i-0123456789abcdef0', { HttpTokens: 'optional' }))),
    );
    const { code, stdout } = await cli('evaluate', gz, envelope, '-b', EXAMPLE_BASELINE_PATH);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'iam.user.unexpected',
      'ec2.imds.v1-allowed',
    ]);
  });

  it('renders text without control characters from event fields', async () => {
    const hostile = { ...createUser('backdoor'), sourceIPAddress: '1.2.3.4\u001b[2J\u001b[31mFAKE\nOK' };
    const { code, stdout } = await cli(
      'evaluate',
      file('h.json', JSON.stringify(hostile)),
      '-b',
      EXAMPLE_BASELINE_PATH,
      '-f',
      'text',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('HIGH  iam.user.unexpected');
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('from 1.2.3.4 [2J [31mFAKE OK');
  });

  it.each([
    [
      'a missing input file',
      ['evaluate', '/nonexistent.json'],
      /^guardrail: \/nonexistent\.json: no such file\n$/,
    ],
    ['bad JSON', ['evaluate', 'BAD'], /^guardrail: .*bad\.json: not valid JSON \(.+\)\n$/],
    ['an empty file', ['evaluate', 'EMPTY'], /^guardrail: .*empty\.json: empty input\n$/],
    [
      'an invalid baseline',
      ['evaluate', 'GOOD', '--baseline', 'BADBASELINE'],
      /^guardrail: .*bad-baseline\.yml:2: version: expected version: 1\n$/,
    ],
    [
      'an unknown format',
      ['evaluate', 'GOOD', '--format', 'xml'],
      /^guardrail: option '-f, --format <format>' argument 'xml' is invalid/,
    ],
    ['no baseline', ['evaluate', 'GOOD', '--no-such'], /^guardrail: /],
  ])('exits 2 with one line for %s', async (_name, args, message) => {
    const paths: Record<string, string> = {
      BAD: file('bad.json', '{"Records": ['),
      EMPTY: file('empty.json', ''),
      GOOD: file('good.json', JSON.stringify(createUser('a'))),
      BADBASELINE: file('bad-baseline.yml', '# a comment\nversion: 2\n'),
    };
    const argv = args.map((arg) => paths[arg] ?? arg);
    if (!argv.includes('--baseline')) argv.push('--baseline', EXAMPLE_BASELINE_PATH);
    const { code, stdout, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('guardrail evaluate, every path to a permission', () => {
  it('learns the whole input first, then judges each record as of its own time, whatever the order', async () => {
    const seedPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::short-drama-assets/*' }],
    };
    const arn = policyArn('ImageGeneratorS3Access');
    const log = file(
      'paths.json',
      JSON.stringify({
        Records: [
          // Newest first, as LookupEvents returns them.
          createPolicyVersion(
            arn,
            { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
            'v2',
            true,
            {
              eventTime: '2026-11-20T10:20:00Z',
            },
          ),
          attachPolicy('Role', 'ImageGeneratorEC2Role', arn, { eventTime: '2026-11-20T10:11:00Z' }),
          createPolicy('ImageGeneratorS3Access', seedPolicy, { eventTime: '2026-11-20T10:10:00Z' }),
          attachPolicy('Role', 'XploreEC2Role', 'arn:aws:iam::aws:policy/AdministratorAccess'),
        ],
      }),
    );
    const { code, stdout } = await cli('evaluate', log, '-b', EXAMPLE_BASELINE_PATH);
    expect(code).toBe(0);
    const findings = JSON.parse(stdout).findings as {
      ruleId: string;
      eventName: string;
      details: Record<string, unknown>;
    }[];
    expect(findings.map((f) => `${f.eventName} ${f.ruleId}`).sort()).toEqual([
      'AttachRolePolicy iam.policy.drift',
      'AttachRolePolicy iam.policy.never-grant',
      'AttachRolePolicy iam.policy.privesc',
      'AttachRolePolicy iam.policy.wildcard',
      'CreatePolicyVersion iam.policy.drift',
      'CreatePolicyVersion iam.policy.never-grant',
      'CreatePolicyVersion iam.policy.wildcard',
    ]);
    // The trail showed who held the policy at the new version's time: the role is judged too.
    expect(findings.find((f) => f.eventName === 'CreatePolicyVersion')?.details).toMatchObject({
      path: 'policy-version',
      principals: ['role/ImageGeneratorEC2Role'],
      reaches: ['roles.ImageGeneratorEC2Role'],
    });
  });
});

describe('the installed bin', () => {
  it('reads stdin, exits 0, and never prints a stack trace on bad input', () => {
    const ok = spawnSync(process.execPath, [BIN, 'evaluate', '-', '--baseline', EXAMPLE_BASELINE_PATH], {
      input: JSON.stringify(eventBridge(createUser('backdoor'))),
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).findings[0].ruleId).toBe('iam.user.unexpected');

    const bad = spawnSync(process.execPath, [BIN, 'evaluate', '-', '--baseline', EXAMPLE_BASELINE_PATH], {
      input: '{"Records": [',
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^guardrail: stdin: not valid JSON/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints help', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('evaluate');
  });
});
