/**
 * `npm run bench:replay`: replay throughput and peak memory against jq, the bare gunzip + JSON.parse limit and
 * the prefiltered limit (gunzip + a text search for the watched names, parse only the files that match).
 * The replay runs as a user runs it: `node bin/guardrail.js`, the compiled CLI (built first here).
 *
 * Inputs: ../shared/corpus/cloudtrail-tracker/ as delivered (1x), and a generated corpus 20x larger written
 * to a temp dir (never committed): copies of every log file with fresh eventIDs, plus per copy the 27 seed
 * events (examples/seed-events.json, so the engine has watched events to evaluate), plus a few exact
 * duplicate files (CloudTrail redelivers some). Each figure is the best of RUNS runs (the machine is shared:
 * the fastest run is the least disturbed one). "process" rates divide the records by the wall time of a fresh
 * process, start-up included (Node, tsx, module loading); "in-process" rates time only the work, modules
 * loaded. Peak memory is the process's max RSS, worker threads included; retained is the heap after a full GC
 * once the replay is done.
 *
 * Options: --runs N (default 3), --keep (leave the generated corpus in place).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildCli } from '../scripts/build-cli.ts';
import { WATCHED_EVENTS } from '../src/events/subjects/index.ts';
import { corpusPath } from '../test/helpers/corpus.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = corpusPath('cloudtrail-tracker');
const SEEDS = join(ROOT, 'examples', 'seed-events.json');
const BASELINE = join(ROOT, 'infra', 'baseline.example.yml');
const MAXRSS = join(ROOT, 'bench', 'maxrss.mjs');
const BARE = join(ROOT, 'bench', 'bare.mjs');
const IN_PROCESS = join(ROOT, 'bench', 'inprocess.mjs');
const PREFILTER = join(ROOT, 'bench', 'prefilter.mjs');
const BIN = join(ROOT, 'bin', 'guardrail.js');
/** The engine's one list: jq and the prefiltered limit select what the replay watches. */
const WATCHED = Object.keys(WATCHED_EVENTS);

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;
const KEEP = args.includes('--keep');

interface Measure {
  readonly seconds: number;
  readonly rssMiB: number;
  readonly output: string;
}

function best(values: number[]): number {
  return Math.min(...values);
}

function measure(command: string, commandArgs: string[]): Measure {
  const rssFile = join(tmpdir(), `guardrail-bench-rss-${randomUUID()}`);
  const started = performance.now();
  const result = spawnSync(command, commandArgs, {
    env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed: ${result.stderr}`);
  const rssMiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) / 1024 : Number.NaN;
  rmSync(rssFile, { force: true });
  return { seconds, rssMiB, output: result.stdout };
}

function repeat(runs: number, once: () => Measure): { seconds: number; rssMiB: number; output: string } {
  const all = Array.from({ length: runs }, once);
  return {
    seconds: best(all.map((m) => m.seconds)),
    rssMiB: Math.max(...all.map((m) => m.rssMiB)),
    output: all[0]?.output ?? '',
  };
}

function ensureJq(): boolean {
  if (spawnSync('jq', ['--version']).status === 0) return true;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    console.error('jq is missing: installing it from Debian (apt-get install -y jq)');
    spawnSync('apt-get', ['install', '-y', '-qq', 'jq'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return spawnSync('jq', ['--version']).status === 0;
  }
  return false;
}

function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Writes COPIES copies of the corpus with fresh eventIDs, the seed events per copy, and a few duplicates. */
function generate(root: string, copies: number): string[] {
  const originals = logFiles(CORPUS).map((path) => ({
    name: path.slice(CORPUS.length + 1),
    doc: JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')),
  }));
  const seeds = JSON.parse(readFileSync(SEEDS, 'utf8')) as { Records: Record<string, unknown>[] };
  const dirs: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    const dir = join(root, `copy-${String(copy).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (const { name, doc } of originals) {
      const records = (doc.Records as Record<string, unknown>[]).map((r) => ({
        ...r,
        eventID: randomUUID(),
      }));
      writeFileSync(join(dir, name), gzipSync(JSON.stringify({ Records: records })));
    }
    const seeded = seeds.Records.map((r) => ({ ...r, eventID: randomUUID() }));
    writeFileSync(join(dir, 'seed-events.json.gz'), gzipSync(JSON.stringify({ Records: seeded })));
    if (copy === 0) {
      // Exact duplicates, as CloudTrail sometimes delivers a file twice.
      const again = join(dir, 'redelivered');
      mkdirSync(again);
      for (const path of [...logFiles(dir).slice(0, 4), join(dir, 'seed-events.json.gz')])
        writeFileSync(join(again, `dup-${path.split('/').pop()}`), readFileSync(path));
    }
    dirs.push(dir);
  }
  return dirs;
}

interface Row {
  readonly input: string;
  readonly records: number;
  readonly replay: Measure;
  readonly replaySingle: Measure;
  readonly inProcess: { readonly seconds: number; readonly retainedMiB: number; readonly rssMiB: number };
  readonly bare: Measure & { readonly inProcessSeconds: number };
  readonly jq?: Measure;
  readonly prefilter: Measure & { readonly inProcessSeconds: number };
  readonly summary: Record<string, unknown>;
}

function run(input: string, dirs: string[], withJq: boolean, runs: number): Row {
  const replayArgs = (extra: string[]) => [
    '--import',
    MAXRSS,
    BIN,
    'replay',
    ...dirs,
    '--baseline',
    BASELINE,
    '--quiet',
    '--format',
    'json',
    ...extra,
  ];
  const replay = repeat(runs, () => measure(process.execPath, replayArgs([])));
  const replaySingle = repeat(runs, () => measure(process.execPath, replayArgs(['--workers', '0'])));
  const inProcessRuns = Array.from({ length: runs }, () =>
    measure(process.execPath, ['--expose-gc', '--import', MAXRSS, IN_PROCESS, BASELINE, ...dirs]),
  );
  const inProcess = {
    seconds: best(inProcessRuns.map((m) => JSON.parse(m.output).ms / 1000)),
    retainedMiB: Math.max(...inProcessRuns.map((m) => JSON.parse(m.output).retainedMiB)),
    rssMiB: Math.max(...inProcessRuns.map((m) => m.rssMiB)),
  };
  const bareRuns = Array.from({ length: runs }, () =>
    measure(process.execPath, ['--import', MAXRSS, BARE, ...dirs]),
  );
  const bare = {
    seconds: best(bareRuns.map((m) => m.seconds)),
    rssMiB: Math.max(...bareRuns.map((m) => m.rssMiB)),
    output: bareRuns[0]?.output ?? '',
    inProcessSeconds: best(bareRuns.map((m) => JSON.parse(m.output).ms / 1000)),
  };
  const prefilterRuns = Array.from({ length: runs }, () =>
    measure(process.execPath, ['--import', MAXRSS, PREFILTER, WATCHED.join(','), ...dirs]),
  );
  const prefilter = {
    seconds: best(prefilterRuns.map((m) => m.seconds)),
    rssMiB: Math.max(...prefilterRuns.map((m) => m.rssMiB)),
    output: prefilterRuns[0]?.output ?? '',
    inProcessSeconds: best(prefilterRuns.map((m) => JSON.parse(m.output).ms / 1000)),
  };
  const filter = `.Records[] | select(${WATCHED.map((name) => `.eventName == "${name}"`).join(' or ')})`;
  const jq = withJq
    ? repeat(runs, () =>
        measure('bash', [
          '-c',
          `find ${dirs.map((d) => `'${d}'`).join(' ')} -name '*.json.gz' -print0 | xargs -0 zcat | jq -c '${filter}' | wc -l`,
        ]),
      )
    : undefined;
  const report = JSON.parse(replay.output) as { summary: Record<string, unknown> };
  return {
    input,
    records: Number(report.summary.records),
    replay,
    replaySingle,
    inProcess,
    bare,
    ...(jq ? { jq } : {}),
    prefilter,
    summary: report.summary,
  };
}

const rate = (records: number, seconds: number): string =>
  Math.round(records / seconds).toLocaleString('en-US');

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) {
    console.error(`${CORPUS} is absent: nothing to benchmark`);
    process.exit(1);
  }
  const withJq = ensureJq();
  if (!withJq) console.error('jq is not installed and cannot be installed here: the jq row is skipped');
  console.error('building the compiled CLI (scripts/build-cli.ts) ...');
  await buildCli();
  const temp = mkdtempSync(join(tmpdir(), 'guardrail-bench-'));
  try {
    console.error(`generating the 20x corpus in ${temp} ...`);
    const copies = generate(temp, 20);
    const rows: Row[] = [];
    const inputs: [string, string[]][] = [
      ['cloudtrail-tracker (1x)', [CORPUS]],
      ['generated 10x', copies.slice(0, 10)],
      ['generated 20x', copies],
    ];
    for (const [name, dirs] of inputs) {
      console.error(`measuring ${name} ...`);
      rows.push(run(name, dirs, withJq, RUNS));
    }
    const git = (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      } catch {
        return 'unknown';
      }
    })();
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const lines = [
      `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}; commit ${git}; best of ${RUNS} runs; load average at the end ${load}.`,
      '',
      'Records per second (higher is better):',
      '',
      '| input | files | records | replay, process | replay one thread, process | replay, in-process | zcat \\| jq, process | bare, process | bare, in-process | prefiltered limit, process | replay / bare (process) | replay / bare (in-process) | replay / prefiltered (process) | replay / jq |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ];
    for (const row of rows) {
      const r = (seconds: number) => rate(row.records, seconds);
      const ratio = (a: number, b: number) => `${(b / a).toFixed(2)}x`;
      lines.push(
        `| ${row.input} | ${Number(row.summary.files).toLocaleString('en-US')} | ${row.records.toLocaleString('en-US')} | ${r(row.replay.seconds)} | ${r(row.replaySingle.seconds)} | ${r(row.inProcess.seconds)} | ${row.jq ? r(row.jq.seconds) : 'skipped'} | ${r(row.bare.seconds)} | ${r(row.bare.inProcessSeconds)} | ${r(row.prefilter.seconds)} | ${ratio(row.replay.seconds, row.bare.seconds)} | ${ratio(row.inProcess.seconds, row.bare.inProcessSeconds)} | ${ratio(row.replay.seconds, row.prefilter.seconds)} | ${row.jq ? ratio(row.replay.seconds, row.jq.seconds) : '-'} |`,
      );
    }
    lines.push(
      '',
      'Memory as the input grows:',
      '',
      '| input | replay peak RSS | replay one thread peak RSS | replay heap retained after GC | bare peak RSS |',
      '|---|---|---|---|---|',
    );
    for (const row of rows)
      lines.push(
        `| ${row.input} | ${row.replay.rssMiB.toFixed(0)} MiB | ${row.replaySingle.rssMiB.toFixed(0)} MiB | ${row.inProcess.retainedMiB.toFixed(1)} MiB | ${row.bare.rssMiB.toFixed(0)} MiB |`,
      );
    const last = rows[rows.length - 1];
    if (last)
      lines.push(
        '',
        `Last row, replay summary: ${JSON.stringify({ ...last.summary, byRule: undefined, bySeverity: undefined })}`,
      );
    console.log(lines.join('\n'));
  } finally {
    if (KEEP) console.error(`kept ${temp}`);
    else rmSync(temp, { recursive: true, force: true });
  }
}

await main();
