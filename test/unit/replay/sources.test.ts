import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.ts';
import { isLogFileName, listJobs, outsideDateRange, resolveSources } from '../../../src/replay/sources.ts';
import { createUser } from '../../helpers/records.ts';
import { tempDir, trailKey, writeLog } from '../../helpers/replay.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function collect(iterable: AsyncIterable<readonly { file: string }[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of iterable) for (const job of batch) out.push(job.file);
  return out;
}

describe('outsideDateRange', () => {
  const key = trailKey('123456789012', 'us-east-1', '2026-01-10', '20260110T1205Z_abc');
  const at = (iso: string) => Date.parse(iso);

  it.each([
    ['no bounds', undefined, undefined, false],
    ['since after the day ends', at('2026-01-11T00:00:00Z'), undefined, true],
    ['since during the day', at('2026-01-10T23:59:59Z'), undefined, false],
    ['until a day before the folder (late delivery margin)', undefined, at('2026-01-09T00:00:00Z'), true],
    ['until the day before, at noon', undefined, at('2026-01-09T12:00:00Z'), false],
    ['until at the folder day', undefined, at('2026-01-10T00:00:00Z'), false],
  ])('%s', (_name, since, until, expected) => {
    expect(outsideDateRange(key, since, until)).toBe(expected);
  });

  it('never prunes a path outside the CloudTrail layout', () => {
    expect(outsideDateRange('logs/2026/01/10/x.json.gz', Date.parse('2027-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('listJobs', () => {
  it('walks directories recursively, takes .json and .json.gz, skips digests and other files', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const a = writeLog(dir, trailKey('123456789012', 'us-east-1', '2026-01-10', 'a'), [createUser('a')]);
    const b = writeLog(dir, trailKey('123456789012', 'eu-west-1', '2026-01-11', 'b'), [createUser('b')]);
    const plain = writeLog(dir, 'exports/plain.json', [createUser('c')]);
    writeLog(dir, 'AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/01/10/d.json.gz', []);
    writeFileSync(join(dir, 'README.txt'), 'not a log');
    mkdirSync(join(dir, 'empty'));
    const specs = await resolveSources([dir]);
    expect((await collect(listJobs(specs))).sort()).toEqual([a, b, plain].sort());
  });

  it('leaves out files whose date folder is outside the window, and says so', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    writeLog(dir, trailKey('123456789012', 'us-east-1', '2026-01-01', 'old'), [createUser('a')]);
    const kept = writeLog(dir, trailKey('123456789012', 'us-east-1', '2026-02-01', 'kept'), [
      createUser('b'),
    ]);
    const pruned: string[] = [];
    const jobs = listJobs(await resolveSources([dir]), {
      since: Date.parse('2026-01-15T00:00:00Z'),
      onPruned: (file) => pruned.push(file),
    });
    expect(await collect(jobs)).toEqual([kept]);
    expect(pruned).toHaveLength(1);
  });

  it('reads a file named on the command line whatever its extension', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const odd = writeLog(dir, 'events.txt', [createUser('a')]);
    expect(await collect(listJobs(await resolveSources([odd])))).toEqual([odd]);
    expect(isLogFileName('x.json.gz')).toBe(true);
    expect(isLogFileName('x.gz')).toBe(false);
  });

  it('lists a folder it cannot read as an unreadable input and goes on with the others', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const kept = writeLog(dir, trailKey('123456789012', 'us-east-1', '2026-01-10', 'kept'), [
      createUser('a'),
    ]);
    const lockedFile = writeLog(dir, 'locked/inside.json', [createUser('b')]);
    const locked = join(dir, 'locked');
    // root reads every folder whatever its mode, so the failure is injected.
    const readDir = (folder: string) => {
      if (folder === locked) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return readdirSync(folder, { withFileTypes: true });
    };
    const jobs: { file: string; reason?: string }[] = [];
    for await (const batch of listJobs(await resolveSources([dir]), { readDir })) {
      for (const job of batch) {
        const payload = job.path === undefined ? await job.load() : undefined;
        jobs.push({ file: job.file, ...(payload?.kind === 'unreadable' ? { reason: payload.reason } : {}) });
      }
    }
    expect(jobs).toContainEqual({ file: kept });
    expect(jobs).toContainEqual({ file: locked, reason: 'folder cannot be read (permission denied)' });
    expect(jobs.map((job) => job.file)).not.toContain(lockedFile);
  });

  it('refuses to start on a missing path, with one line', async () => {
    await expect(resolveSources(['/nonexistent/trail'])).rejects.toThrow(UsageError);
    await expect(resolveSources(['/nonexistent/trail'])).rejects.toThrow(
      '/nonexistent/trail: no such file or directory',
    );
  });
});
