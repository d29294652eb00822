import { vi } from 'vitest';

/**
 * Runs a LookupEvents replay on a fake clock: it waits 500 ms between calls (two per second, CloudTrail's
 * limit), one call per watched event name, which on the real clock is longer than a test may take.
 */
export async function paced<T>(run: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  try {
    let settled = false;
    const result = run().finally(() => {
      settled = true;
    });
    // Each wait starts only after the previous call's reply: move the clock on until the replay ends.
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(500);
    }
    return await result;
  } finally {
    vi.useRealTimers();
  }
}
