// The replay in-process: modules loaded first, then runReplay timed on its own (worker start-up included,
// Node and tsx start-up not), then the heap retained after a full GC. Prints {"records","ms","retainedMiB"}.
// Run with --expose-gc. Arguments: the baseline, then the source directories.
import { availableParallelism } from 'node:os';
import { register } from 'tsx/esm/api';

register();
const { runReplay } = await import('../src/replay/replay.ts');
const [baselinePath, ...sources] = process.argv.slice(2);
const started = performance.now();
const report = await runReplay({
  sources,
  baseline: { path: baselinePath },
  workers: availableParallelism(),
});
const ms = performance.now() - started;
globalThis.gc?.();
const retainedMiB = process.memoryUsage().heapUsed / 1024 / 1024;
console.log(
  JSON.stringify({ records: report.summary.records, findings: report.summary.findings, ms, retainedMiB }),
);
