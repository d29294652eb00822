/**
 * `npm run bench:handlers`: what each built handler weighs and how long a cold import takes.
 * Builds dist/handlers, zips each function's package (`zip -9`, as a deploy would, when zip is installed),
 * then imports each bundle in RUNS fresh Node processes (init with the environment Lambda would give it)
 * and reports the median and worst import time. Prints a Markdown table for docs/lambda.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildHandlers, DIST_DIR, packageFiles } from '../scripts/build.ts';
import { HANDLER_SETTINGS } from './lambdaEnv.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const ENV = {
  PATH: process.env.PATH ?? '',
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  ...HANDLER_SETTINGS,
};

/** The function's package (entry, chunks, package.json) zipped as a deploy would, when zip is installed. */
function zipSize(name: string): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'guardrail-zip-'));
  try {
    execFileSync('zip', ['-q', '-9', join(dir, 'f.zip'), ...packageFiles(name)], { cwd: DIST_DIR });
    return statSync(join(dir, 'f.zip')).size;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function importMs(file: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: ENV,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`import of ${file} failed: ${run.stderr.split('\n')[0]}`);
  return Number(run.stdout);
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

const sizes = await buildHandlers();
console.log(`Node ${process.version}, ${RUNS} cold imports per handler\n`);
console.log(
  '| handler | code (entry + chunks) | zipped (zip -9) | cold import, median | cold import, worst |',
);
console.log('|---|---|---|---|---|');
for (const size of sizes) {
  const file = join(DIST_DIR, `${size.name}.js`);
  const times = Array.from({ length: RUNS }, () => importMs(file)).sort((a, b) => a - b);
  const zipped = zipSize(size.name) ?? size.zippedBytes;
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const worst = times[times.length - 1] ?? 0;
  console.log(
    `| ${size.name} | ${kb(size.bytes)} | ${kb(zipped)} | ${median.toFixed(0)} ms | ${worst.toFixed(0)} ms |`,
  );
}
