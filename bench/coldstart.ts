/**
 * `npm run bench:coldstart`: what each bundle adds to a cold start, measured against a bare Node process in
 * the same run. Builds dist/handlers, then for ROUNDS rounds starts, per handler, one `node -e 0` and one
 * process that imports the bundle (init with the environment Lambda would give it), alternating their
 * order, and reports wall-clock medians. The difference of the medians is the bundle's cost: reading,
 * compiling and initialising it (SDK clients, logger, configuration). The goal is under 60 ms.
 *
 * `--no-build` measures the bundles already in dist/handlers. BENCH_ROUNDS sets the rounds (default 25).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildHandlers, DIST_DIR, handlerNames } from '../scripts/build.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const GOAL_MS = 60;
const BASELINE = fileURLToPath(new URL('../infra/baseline.example.yml', import.meta.url));
// What Lambda sets, minus the credentials it would inject (the clients read them lazily, not at init).
const ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'guardrail-bench',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  GUARDRAIL_BASELINE: BASELINE,
  GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail',
  GUARDRAIL_IDEMPOTENCY_TABLE: 'guardrail-idempotency',
};
// The SDK warns once at init on Node < 22 (Lambda runs 22, where it does not); the flag applies to both
// processes so the comparison stays fair.
const NODE_FLAGS = ['--no-warnings'];

function wallMs(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [...NODE_FLAGS, ...args], { env: ENV, encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr.split('\n')[0]}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const names = process.argv.includes('--no-build')
  ? handlerNames()
  : (await buildHandlers()).map((s) => s.name);
const bare: number[] = [];
const loaded = new Map<string, number[]>(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of names) {
    const importIt = (): number =>
      wallMs([
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(pathToFileURL(join(DIST_DIR, `${name}.js`)).href)})`,
      ]);
    if (round % 2 === 0) {
      bare.push(wallMs(['-e', '0']));
      loaded.get(name)?.push(importIt());
    } else {
      loaded.get(name)?.push(importIt());
      bare.push(wallMs(['-e', '0']));
    }
  }
}

const bareMedian = median(bare);
console.log(
  `Node ${process.version}, ${ROUNDS} rounds; bare \`node -e 0\`: median ${bareMedian.toFixed(1)} ms\n`,
);
console.log(
  '| handler | bare node (median) | node importing the bundle (median) | added by the bundle | goal |',
);
console.log('|---|---|---|---|---|');
let over = false;
for (const name of names) {
  const added = median(loaded.get(name) ?? []) - bareMedian;
  over ||= added >= GOAL_MS;
  console.log(
    `| ${name} | ${bareMedian.toFixed(1)} ms | ${median(loaded.get(name) ?? []).toFixed(1)} ms | ${added.toFixed(1)} ms | ${added < GOAL_MS ? `under ${GOAL_MS} ms` : `OVER ${GOAL_MS} ms`} |`,
  );
}
if (over) process.exitCode = 1;
