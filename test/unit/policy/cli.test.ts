import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerPolicy } from '../../../src/cli/commands/policy.ts';
import { run } from '../../../src/cli/main.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardrail-policy-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const xplore = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::xplore-face-auth-refs', 'arn:aws:s3:::xplore-face-auth-refs/*'],
    },
    {
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:xplore/*',
    },
  ],
};

describe('guardrail policy canonical', () => {
  it('prints the canonical form and its hash; equal documents, equal hashes', async () => {
    const a = await cli('policy', 'canonical', file('a.json', xplore));
    const b = await cli(
      'policy',
      'canonical',
      file('b.json', { ...xplore, Statement: [...xplore.Statement].reverse() }),
    );
    expect(a.code).toBe(0);
    const parsed = JSON.parse(a.out) as { hash: string; canonical: { Statement: unknown[] } };
    expect(parsed.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(parsed.canonical.Statement).toHaveLength(2);
    expect(JSON.parse(b.out).hash).toBe(parsed.hash);
    const text = await cli('policy', 'canonical', file('a.json', xplore), '--format', 'text');
    expect(text.out.split('\n')[0]).toBe(parsed.hash);
  });

  it('reads stdin for -', async () => {
    let out = '';
    const program = new Command().exitOverride();
    registerPolicy(program, { stdout: (t) => (out += t), stderr: () => {} }, async () =>
      JSON.stringify(xplore),
    );
    await program.parseAsync(['policy', 'canonical', '-'], { from: 'user' });
    expect(JSON.parse(out).hash).toMatch(/^sha256:/);
  });

  it.each([
    [
      'a missing file',
      ['policy', 'canonical', join(dir, 'nope.json')],
      /^guardrail: .*nope\.json: no such file\n$/,
    ],
    [
      'text that is not JSON',
      ['policy', 'canonical', file('bad.json', '{"Statement": [')],
      /^guardrail: .*bad\.json: not valid JSON/,
    ],
    [
      'a statement without Effect',
      ['policy', 'canonical', file('noeffect.json', { Statement: { Action: 's3:*', Resource: '*' } })],
      /^guardrail: .*noeffect\.json: Statement\.Effect: expected "Allow" or "Deny"\n$/,
    ],
    ['an empty file', ['policy', 'canonical', file('empty.json', '')], /^guardrail: .*empty\.json: empty\n$/],
    [
      'an unknown role',
      ['policy', 'diff', '--baseline', EXAMPLE_BASELINE_PATH, '--role', 'Nope', file('a.json', xplore)],
      /roles\.Nope: no such role \(known: ImageGeneratorEC2Role, /,
    ],
    [
      'no --role',
      ['policy', 'diff', '--baseline', EXAMPLE_BASELINE_PATH, file('a.json', xplore)],
      /required option '-r, --role <name>' not specified/,
    ],
  ])('exits 2 with one line for %s', async (_name, argv, message) => {
    const result = await cli(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.out).toBe('');
  });
});

describe('guardrail policy diff', () => {
  const diff = (doc: unknown, ...extra: string[]) =>
    cli(
      'policy',
      'diff',
      '--baseline',
      EXAMPLE_BASELINE_PATH,
      '--role',
      'XploreEC2Role',
      file('doc.json', doc),
      ...extra,
    );

  it('says equal for the baseline itself', async () => {
    const result = await diff(xplore);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({
      role: 'XploreEC2Role',
      verdict: 'equal',
      newAccess: [],
      notGranted: [],
      withinBaseline: ['Statement[0]', 'Statement[1]'],
    });
  });

  it('lists what is narrower', async () => {
    const result = JSON.parse((await diff({ ...xplore, Statement: xplore.Statement.slice(0, 1) })).out);
    expect(result.verdict).toBe('narrower');
    expect(result.notGrantedGroups).toEqual([
      expect.objectContaining({
        statement: 'roles.XploreEC2Role.permissions[1]',
        actions: ['secretsmanager:GetSecretValue'],
      }),
    ]);
    expect(result.fullyGranted).toEqual(['roles.XploreEC2Role.permissions[0]']);
  });

  it('reports a Lex v2 bot ARN as new access (issue 16)', async () => {
    const result = JSON.parse(
      (
        await diff({
          Version: '2012-10-17',
          Statement: {
            Effect: 'Allow',
            Action: 'lex:DeleteBot',
            Resource: 'arn:aws:lex:us-east-1:123456789012:bot/ABCDEF1234',
          },
        })
      ).out,
    );
    expect(result.verdict).toBe('different');
    expect(result.newAccess).toEqual([
      expect.objectContaining({
        action: 'lex:DeleteBot',
        resource: 'arn:aws:lex:us-east-1:123456789012:bot/ABCDEF1234',
      }),
    ]);
  });

  it('says in which direction access differs: narrower reasons speak of the document', async () => {
    const result = await diff({ ...xplore, Statement: xplore.Statement.slice(0, 1) }, '--format', 'text');
    expect(result.out).toContain(
      'narrower: roles.XploreEC2Role grants, the document does not (1):\n  roles.XploreEC2Role.permissions[1]: secretsmanager:GetSecretValue on arn:aws:secretsmanager:us-east-1:123456789012:secret:xplore/*',
    );
    expect(result.out).toContain(': no document statement allows this action');
    expect(result.out).not.toContain('no baseline statement allows');
  });

  it('prints the witnesses in text', async () => {
    const result = await diff(
      {
        ...xplore,
        Statement: [
          ...xplore.Statement,
          { Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::xplore-face-auth-refs' },
        ],
      },
      '--format',
      'text',
    );
    expect(result.out).toContain(
      'broader: the document against roles.XploreEC2Role\nnew access: the document grants, roles.XploreEC2Role does not (1):\n  Statement[2]: s3:PutBucketPolicy on arn:aws:s3:::xplore-face-auth-refs: no baseline statement allows this action\n',
    );
    expect(result.out).toContain('within the baseline: Statement[0], Statement[1]');
  });
});
