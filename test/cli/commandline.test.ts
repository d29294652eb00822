/** The command line as people use it: exit codes, --version, pipes closed early, stdin, empty inputs. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS, run } from '../../src/cli/main.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { createUser, record } from '../helpers/records.ts';
import { captureIo, tempDir } from '../helpers/replay.ts';

const BIN = fileURLToPath(new URL('../../bin/guardrail.js', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const { dir, cleanup } = tempDir('guardrail-cli-');
afterAll(cleanup);

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('exit codes and help', () => {
  it('prints the version', async () => {
    const io = captureIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`${PACKAGE.version}\n`);
  });

  it.each([[[] as string[]], [['replay']], [['evaluate']]])(
    'lists the exit codes in --help %j',
    async (args) => {
      const io = captureIo();
      expect(await run([...args, '--help'], io)).toBe(0);
      expect(io.out()).toMatch(
        /Exit codes:\n {2}0 .*\n {2}2 .*could not start[\s\S]*\n {2}3 .*\n[\s\S]*\n {2}1 {2}a bug/,
      );
    },
  );

  it('lists each command in --help with its own description, without loading it', async () => {
    for (const [name, { summary }] of Object.entries(COMMANDS)) {
      const program = await buildProgram(captureIo(), [name]);
      const command = program.commands.find((c) => c.name() === name);
      expect(command?.description(), name).toBe(summary);
      expect(command?.options.length ?? 0, `${name} is registered for real`).toBeGreaterThanOrEqual(
        ['rules', 'baseline', 'policy', 'athena'].includes(name) ? 0 : 1,
      );
    }
    const io = captureIo();
    expect(await run(['--help'], io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(io.out()).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it('says "is a directory" for a baseline that is one, with exit 2', async () => {
    for (const args of [
      ['baseline', 'validate', dir],
      ['evaluate', file('one.json', JSON.stringify(createUser('a'))), '--baseline', dir],
    ]) {
      const io = captureIo();
      expect(await run(args, io)).toBe(2);
      expect(io.err()).toBe(`guardrail: ${dir}: is a directory; give the baseline YAML file\n`);
    }
  });
});

describe('inputs with no CloudTrail record', () => {
  it.each([
    ['[]', 'an empty list or log'],
    ['{"Records": []}', 'an empty list or log'],
    [
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
      'expected a log file',
    ],
  ])('%s says so in one line on stderr, exit 0', async (content, hint) => {
    const path = file(`none-${content.length}.json`, content);
    const io = captureIo();
    expect(await run(['evaluate', path, '--baseline', EXAMPLE_BASELINE_PATH], io)).toBe(0);
    const lines = io.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^guardrail: ${path}: no CloudTrail record in it \\(${hint}`));
  });

  it('replay of an empty folder or of a folder without log files says so', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const notes = join(dir, 'notes');
    mkdirSync(notes);
    writeFileSync(join(notes, 'README.txt'), 'nothing here');
    const digestLike = join(dir, 'digests');
    mkdirSync(digestLike);
    writeFileSync(join(digestLike, 'd.json'), JSON.stringify({ digestStartTime: '2026-01-01T00:00:00Z' }));
    for (const [folder, line] of [
      [empty, `guardrail: replay: no CloudTrail log file in ${empty} (nothing named .json or .json.gz)\n`],
      [notes, `guardrail: replay: no CloudTrail log file in ${notes} (nothing named .json or .json.gz)\n`],
      [digestLike, `guardrail: replay: 1 input read from ${digestLike}, no CloudTrail record in it\n`],
    ] as const) {
      const io = captureIo();
      const code = await run(
        ['replay', folder, '--baseline', EXAMPLE_BASELINE_PATH, '--workers', '0', '--quiet'],
        io,
      );
      expect(code).toBe(0);
      expect(io.err()).toBe(line);
    }
  });
});

describe('stdin', () => {
  it('says it is reading a terminal instead of waiting silently', async () => {
    const typed = JSON.stringify(createUser('backdoor'));
    const stdin = Object.assign(
      (async function* () {
        yield typed;
      })(),
      { isTTY: true },
    );
    const io = captureIo({ stdin });
    expect(await run(['evaluate', '--baseline', EXAMPLE_BASELINE_PATH], io)).toBe(0);
    expect(io.err()).toMatch(/^guardrail: reading CloudTrail records from stdin \(a terminal\).*Ctrl-D/);
    expect(JSON.parse(io.out()).findings[0].ruleId).toBe('iam.user.unexpected');
  });

  it('says nothing when stdin is piped', async () => {
    const stdin = (async function* () {
      yield JSON.stringify(createUser('backdoor'));
    })();
    const io = captureIo({ stdin });
    expect(await run(['evaluate', '-', '--baseline', EXAMPLE_BASELINE_PATH], io)).toBe(0);
    expect(io.err()).toBe('');
  });
});

describe('evaluate --format text', () => {
  it('groups skipped records by reason, most frequent first, with their ids', async () => {
    const describe = (id: string) =>
      record({
        eventID: id,
        eventName: 'DescribeInstances',
        eventSource: 'ec2.amazonaws.com',
        requestParameters: null,
      });
    const failed = (id: string) => ({ ...createUser(id), eventID: id, errorCode: 'AccessDenied' });
    const records = [...['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'].map(describe), failed('f1'), failed('f2')];
    const path = file('mixed.json', JSON.stringify({ Records: records }));
    const io = captureIo();
    expect(await run(['evaluate', path, '--baseline', EXAMPLE_BASELINE_PATH, '--format', 'text'], io)).toBe(
      0,
    );
    const text = io.out();
    expect(text).toContain('0 findings, 9 skipped, 0 suppressed');
    expect(text).toContain(
      'skipped, by reason:\n  7  not a watched event (ec2.amazonaws.com DescribeInstances): d1, d2, d3, d4, d5 and 2 more\n  2  failed call (errorCode AccessDenied): f1, f2\n',
    );
    expect(text).not.toMatch(/^skipped d1/m);
  });
});

describe('the installed bin', () => {
  it('ends quietly with status 0 when stdout is closed early', () => {
    const many = Array.from({ length: 3000 }, (_, index) => createUser(`user${index}`));
    const path = file('many.json', JSON.stringify({ Records: many }));
    const piped = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${BIN}" evaluate "${path}" --baseline "${EXAMPLE_BASELINE_PATH}" | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}" >&2`,
      ],
      { encoding: 'utf8' },
    );
    expect(piped.stderr).toBe('status 0\n');
  });
});
