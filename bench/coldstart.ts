/**
 * `npm run bench:coldstart`: what each bundle adds to a cold start, measured against a bare Node process in
 * the same run. Builds dist/handlers, then, for ROUNDS rounds, starts one `node -e 0` and, per bundle, one
 * process that imports it (its init, with the environment Lambda would give it), alternating the order, and
 * reports wall-clock medians. The difference of the medians is the bundle's cost: reading, compiling and
 * initialising it (SDK clients, logger, configuration). The goal is under 60 ms.
 *
 *   --no-build              measure the bundles already in dist/handlers
 *   --also <label>=<dir>    also measure the bundles of another build (a folder of <name>.js), in the same
 *                           rounds: e.g. the build of an earlier commit, for a before/after
 *   BENCH_ROUNDS=<n>        rounds (default 25)
 *
 * The machine is shared: the load average before and after is printed with the table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildHandlers, DIST_DIR, handlerNames } from '../scripts/build.ts';
import { HANDLER_SETTINGS } from './lambdaEnv.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const GOAL_MS = 60;
// What Lambda sets, minus the credentials it would inject (the clients read them lazily, not at init).
const ENV = {
  PATH: process.env.PATH ?? '',
  AWS_LAMBDA_FUNCTION_NAME: 'guardrail-bench',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  ...HANDLER_SETTINGS,
  GUARDRAIL_ROLE_ARN: 'arn:aws:iam::123456789012:role/guardrail-bench',
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

function importMs(file: string): number {
  return wallMs(['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)})`]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const args = process.argv.slice(2);
const builds: { label: string; dir: string }[] = [{ label: '', dir: DIST_DIR }];
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--also') continue;
  const [label, dir] = (args[i + 1] ?? '').split('=');
  if (!label || !dir) throw new Error('--also expects <label>=<dir>');
  builds.push({ label, dir: resolve(dir) });
}
const names = args.includes('--no-build') ? handlerNames() : (await buildHandlers()).map((s) => s.name);
const bundles = builds.flatMap(({ label, dir }) =>
  names
    .filter((name) => existsSync(join(dir, `${name}.js`)))
    .map((name) => ({ row: label ? `${name} (${label})` : name, file: join(dir, `${name}.js`) })),
);

const loadBefore = loadavg()[0] ?? 0;
const bare: number[] = [];
const loaded = new Map<string, number[]>(bundles.map((b) => [b.row, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? bundles : [...bundles].reverse();
  if (round % 2 === 0) bare.push(wallMs(['-e', '0']));
  for (const bundle of order) loaded.get(bundle.row)?.push(importMs(bundle.file));
  if (round % 2 === 1) bare.push(wallMs(['-e', '0']));
}
const loadAfter = loadavg()[0] ?? 0;

const bareMedian = median(bare);
console.log(
  `Node ${process.version}, ${ROUNDS} rounds, load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after\n`,
);
console.log(
  '| handler | bare `node -e 0` (median) | node importing the bundle (median) | added by the bundle |',
);
console.log('|---|---|---|---|');
let over = false;
for (const { row } of bundles) {
  const added = median(loaded.get(row) ?? []) - bareMedian;
  if (!row.includes('(')) over ||= added >= GOAL_MS;
  console.log(
    `| ${row} | ${bareMedian.toFixed(1)} ms | ${median(loaded.get(row) ?? []).toFixed(1)} ms | ${added.toFixed(1)} ms |`,
  );
}
console.log(`\nGoal: under ${GOAL_MS} ms added by each bundle of this build: ${over ? 'NOT MET' : 'met'}.`);
if (over) process.exitCode = 1;
