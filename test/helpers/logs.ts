/** Captures the JSON lines Powertools' Logger writes to stdout/stderr during a test. */
import { vi } from 'vitest';

export interface CapturedLogs {
  readonly lines: Record<string, unknown>[];
  readonly text: () => string;
  restore(): void;
}

export function captureLogs(): CapturedLogs {
  const raw: string[] = [];
  const grab = (chunk: unknown): boolean => {
    raw.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab as typeof process.stderr.write);
  return {
    get lines() {
      return raw
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    text: () => raw.join(''),
    restore() {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
