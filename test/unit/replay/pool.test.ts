import { describe, expect, it } from 'vitest';
import { runReplay } from '../../../src/replay/replay.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';
import { createAccessKey, createUser } from '../../helpers/records.ts';
import { tempDir, trailKey, writeLog } from '../../helpers/replay.ts';

describe('worker threads', () => {
  it('give the same report as the main thread, TypeScript loaded in each worker', async () => {
    const { dir, cleanup } = tempDir();
    try {
      for (let day = 1; day <= 6; day++) {
        const date = `2026-01-0${day}`;
        writeLog(dir, trailKey('123456789012', 'us-east-1', date, `f${day}`), [
          createUser(`user-${day}`, { eventTime: `${date}T10:00:00Z` }),
          createAccessKey(`user-${day}`, { eventTime: `${date}T10:05:00Z` }),
        ]);
      }
      // One event delivered twice, in another folder: the report keeps the first by file name, whatever the timing.
      writeLog(dir, 'redelivered/again.json', [createUser('user-3', { eventTime: '2026-01-03T10:00:00Z' })]);
      writeLog(dir, 'broken.json.gz', []);
      const options = { sources: [dir], baseline: { path: EXAMPLE_BASELINE_PATH } };
      // inlineMs 0: the workers start at once, even for an input this small.
      const threaded = await runReplay({ ...options, workers: 2, inlineMs: 0 });
      const inline = await runReplay({ ...options, workers: 0 });
      expect(threaded).toEqual(inline);
      expect(threaded.summary).toMatchObject({
        files: 8,
        records: 13,
        duplicates: 1,
        evaluated: 12,
        findings: 12,
      });
      expect(threaded.findings.map((f) => f.eventTime)).toEqual(
        [...threaded.findings.map((f) => f.eventTime)].sort(),
      );
    } finally {
      cleanup();
    }
  });
});
