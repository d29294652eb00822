/** Helpers for replay tests: the shared real corpus, temporary trails in the CloudTrail key layout. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Io } from '../../src/cli/io.ts';
import type { Json } from './records.ts';

export { CORPUS_MISSING, corpus, corpusPath } from './corpus.ts';

/** A temporary folder removed by the returned cleanup. */
export function tempDir(
  prefix = 'guardrail-replay-',
  parent: string = tmpdir(),
): { dir: string; cleanup: () => void } {
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The key CloudTrail gives a log file: AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<name>.json.gz. */
export function trailKey(account: string, region: string, day: string, name: string): string {
  const [year, month, date] = day.split('-');
  return `AWSLogs/${account}/CloudTrail/${region}/${year}/${month}/${date}/${account}_CloudTrail_${region}_${name}.json.gz`;
}

/** Writes `{"Records": [...]}` (gzip when the name ends in .gz) and returns the path. */
export function writeLog(root: string, relative: string, records: readonly Json[]): string {
  const path = join(root, relative);
  mkdirSync(dirname(path), { recursive: true });
  const text = JSON.stringify({ Records: records });
  writeFileSync(path, relative.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

export interface CapturedIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(extra: Partial<Io> = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    ...extra,
    out: () => out,
    err: () => err,
  };
}

/** Event fields are attacker-controlled: these land in user names, ARNs, IPs and ids of test reports. */
export const PAYLOADS = {
  script: '<script>window.__xss = "script"</script>',
  onerror: '<img src=x onerror="window.__xss = \'onerror\'">',
  formula: '=HYPERLINK("http://203.0.113.9/x","open")',
  at: '@SUM(1+1)',
} as const;
