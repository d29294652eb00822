/**
 * `npm run bench:coldstart`: what each bundle adds to a cold start, measured against a bare Node process in
 * the same run. Builds dist/handlers, then, for ROUNDS rounds, starts one `node -e 0` and, per bundle, one
 * process that imports it (its init, with the environment Lambda would give it), alternating the order, and
 * reports wall-clock medians. The difference of the medians is the bundle's cost: reading, compiling and
 * initialising it (SDK clients, logger, configuration). The goal is under 60 ms. The same difference in CPU
 * time (each process reports its own) is printed beside it: on a loaded machine it moves far less.
 *
 *   --node <path>           the Node binary to measure on (default: the one running this script), e.g. the
 *                           functions' runtime: --node "$(npm run -s node22)" (scripts/node22.ts). Given more
 *                           than once, every Node is measured in the same rounds, one table each
 *   --no-build              measure the bundles already in dist/handlers
 *   --also <label>=<dir>    also measure the bundles of another build (a folder of <name>.js), in the same
 *                           rounds: e.g. the build of an earlier commit, for a before/after
 *   BENCH_ROUNDS=<n>        rounds (default 25)
 *
 * The machine is shared: the load average before and after is printed with the tables. A process that writes
 * anything on stderr (a warning) stops the benchmark: it would be in the function's logs too.
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
const args = process.argv.slice(2);

interface Node {
  readonly path: string;
  readonly version: string;
  readonly env: Readonly<Record<string, string>>;
}

function node(path: string): Node {
  const probe = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(`--node ${path}: cannot run it: ${probe.error?.message ?? probe.stderr}`);
  const version = probe.stdout.trim();
  // What Lambda sets, minus the credentials it would inject (the clients read them lazily, not at init). The
  // SDK warns once at init below Node 22 (Lambda runs 22, where it does not): on such a Node its own switch
  // turns that one warning off, in both processes, so the comparison stays fair.
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_LAMBDA_FUNCTION_NAME: 'guardrail-bench',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    ...HANDLER_SETTINGS,
    GUARDRAIL_ROLE_ARN: 'arn:aws:iam::123456789012:role/guardrail-bench',
    ...(Number(version.split('.')[0]) < 22
      ? { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
      : {}),
  };
  return { path, version, env };
}

const nodePaths = args.flatMap((arg, i) => {
  if (arg !== '--node') return [];
  if (!args[i + 1]) throw new Error('--node expects the path of a Node binary');
  return [resolve(args[i + 1] as string)];
});
const nodes = (nodePaths.length > 0 ? nodePaths : [process.execPath]).map(node);

interface Sample {
  /** Wall clock from spawn to exit, as the measured process lived it. */
  readonly wall: number;
  /** CPU time (user + system) the process had used when it finished: moves far less with the machine's load. */
  readonly cpu: number;
}

// The last statement of every measured process: it prints the CPU time it has used, in microseconds.
const PRINT_CPU = 'const u=process.cpuUsage();process.stdout.write(String(u.user+u.system))';

function sample(on: Node, argv: readonly string[]): Sample {
  const start = process.hrtime.bigint();
  const run = spawnSync(on.path, argv, { env: on.env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`node ${argv.join(' ')} failed: ${run.stderr.split('\n')[0]}`);
  if (run.stderr) throw new Error(`node ${argv.join(' ')} wrote to stderr: ${run.stderr.split('\n')[0]}`);
  return { wall, cpu: Number(run.stdout) / 1000 };
}

const bareSample = (on: Node): Sample => sample(on, ['-e', PRINT_CPU]);

function importSample(on: Node, file: string): Sample {
  const url = JSON.stringify(pathToFileURL(file).href);
  return sample(on, ['--input-type=module', '-e', `await import(${url});${PRINT_CPU}`]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

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
const bare = new Map<Node, Sample[]>(nodes.map((n) => [n, []]));
const loaded = new Map<Node, Map<string, Sample[]>>(
  nodes.map((n) => [n, new Map(bundles.map((b) => [b.row, []]))]),
);
for (let round = 0; round < ROUNDS; round++) {
  const forward = round % 2 === 0;
  for (const on of forward ? nodes : [...nodes].reverse()) {
    if (forward) bare.get(on)?.push(bareSample(on));
    for (const bundle of forward ? bundles : [...bundles].reverse())
      loaded.get(on)?.get(bundle.row)?.push(importSample(on, bundle.file));
    if (!forward) bare.get(on)?.push(bareSample(on));
  }
}
const loadAfter = loadavg()[0] ?? 0;

const wall = (samples: readonly Sample[]): number => median(samples.map((s) => s.wall));
const cpu = (samples: readonly Sample[]): number => median(samples.map((s) => s.cpu));
console.log(
  `${ROUNDS} rounds, load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after${nodes.length > 1 ? ', the Nodes measured in the same rounds' : ''}`,
);
let over = false;
for (const on of nodes) {
  const bareSamples = bare.get(on) ?? [];
  console.log(`\nNode v${on.version} (${on.path})\n`);
  console.log(
    '| handler | bare `node -e 0` (median) | node importing the bundle (median) | added by the bundle | added, CPU time |',
  );
  console.log('|---|---|---|---|---|');
  for (const { row } of bundles) {
    const samples = loaded.get(on)?.get(row) ?? [];
    const added = wall(samples) - wall(bareSamples);
    if (!row.includes('(')) over ||= added >= GOAL_MS;
    console.log(
      `| ${row} | ${wall(bareSamples).toFixed(1)} ms | ${wall(samples).toFixed(1)} ms | ${added.toFixed(1)} ms | ${(cpu(samples) - cpu(bareSamples)).toFixed(1)} ms |`,
    );
  }
}
console.log(`\nGoal: under ${GOAL_MS} ms added by each bundle of this build: ${over ? 'NOT MET' : 'met'}.`);
if (over) process.exitCode = 1;
