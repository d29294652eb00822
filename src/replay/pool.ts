/**
 * Spreads inputs over worker threads. Each worker holds at most two batches (one being scanned, one waiting),
 * and the listing is read at most LOOKAHEAD inputs ahead, so memory stays bounded whatever the corpus size.
 *
 * A worker costs CPU to start (a few hundred milliseconds when it loads the TypeScript sources through tsx), so
 * the calling thread starts scanning at once and starts the workers only when the work left (known once the
 * listing is done, else assumed large) is worth it; it hands over as soon as one is ready.
 */
import { Worker } from 'node:worker_threads';
import type { Baseline } from '../baseline/baseline.ts';
import { errorMessage } from '../core/errors.ts';
import type { FileJob } from './jobs.ts';
import type { JobPayload } from './payload.ts';
import { payloadBytes } from './payload.ts';
import type { ScanResult, ScanSettings } from './scan.ts';
import { scanBytes, unreadableResult } from './scan.ts';
import type { ScanInit } from './settings.ts';
import { settingsFrom } from './settings.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly items: readonly { readonly file: string; readonly payload: JobPayload }[];
}

export type WorkerReply =
  | { readonly ready: true }
  | { readonly id: number; readonly results: readonly ScanResult[] }
  | { readonly id: number; readonly error: string };

export interface PoolOptions {
  /** Worker threads; 0 scans on the calling thread only. */
  readonly workers: number;
  /**
   * How long the calling thread scans alone before it may start workers (default 300 ms); they start then only
   * if the work left is estimated above WORKER_PAYOFF_MS. 0: workers only, from the start.
   */
  readonly inlineMs?: number;
  readonly init: ScanInit;
  /** The baseline of `init`, already compiled on the calling thread. */
  readonly baseline?: Baseline;
  readonly onResult: (result: ScanResult) => void;
}

const IN_FLIGHT_PER_WORKER = 2;
/**
 * Inputs per message: CloudTrail files are small (often a few KiB), and one round trip per file would make
 * the calling thread the bottleneck.
 */
const BATCH_FILES = 32;
/** A batch closes early on an input at least this large (sizes are known for S3 objects). */
const BATCH_BYTES = 8 * 1024 * 1024;
const DEFAULT_INLINE_MS = 300;
/** The calling thread yields to the event loop this often, so worker messages and the progress bar get a turn. */
const YIELD_EVERY_MS = 25;
/** Inputs listed ahead: enough to know whether threads will pay off, bounded (a path and a closure each). */
const LOOKAHEAD = 16_384;
/** Loads (S3 fetches) started ahead of the scan. */
const PREFETCH = 16;
/** Start workers only when the work left is estimated above this (a worker takes ~0.4 s of CPU to start). */
const WORKER_PAYOFF_MS = 1_000;
/** Set by scripts/build-cli.ts: the compiled CLI starts its own compiled worker, not the tsx entry. */
declare const __GUARDRAIL_REPLAY_WORKER__: string | undefined;
const WORKER_ENTRY = new URL(
  typeof __GUARDRAIL_REPLAY_WORKER__ === 'string' ? __GUARDRAIL_REPLAY_WORKER__ : './worker-entry.mjs',
  import.meta.url,
);

class ScanWorker {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: readonly ScanResult[]) => void; reject: (e: Error) => void }
  >();
  private failure: Error | undefined;
  private readonly readyFailed: (error: Error) => void;
  /** Resolves when the worker has loaded its code and baseline; rejects if it dies first. */
  readonly ready: Promise<void>;

  constructor(init: ScanInit) {
    this.worker = new Worker(WORKER_ENTRY, { workerData: init });
    let onReady: () => void = () => {};
    let onFail: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    this.ready.catch(() => {}); // observed by the lanes; never an unhandled rejection
    this.readyFailed = onFail;
    this.worker.on('message', (reply: WorkerReply) => {
      if ('ready' in reply) {
        onReady();
        return;
      }
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('results' in reply) waiter.resolve(reply.results);
      else waiter.reject(new Error(reply.error));
    });
    this.worker.on('error', (error) => this.fail(new Error(`replay worker failed: ${errorMessage(error)}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`replay worker exited with code ${code}`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.readyFailed(error);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  scan(items: WorkerRequest['items']): Promise<readonly ScanResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: WorkerRequest = { id, items };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Bytes fetched from S3 move to the worker without a copy.
      const transfer = items.flatMap(({ payload }) =>
        payload.kind === 'bytes' ? [payload.bytes.buffer as ArrayBuffer] : [],
      );
      this.worker.postMessage(request, transfer);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

interface Entry {
  readonly job: FileJob;
  payload?: Promise<JobPayload>;
}

/**
 * The listing, read ahead into a bounded buffer by a background loop: it tells how much work is left (once
 * the listing is done) and starts the loads of the next few inputs early, so S3 fetches overlap the scanning.
 */
class JobQueue {
  /** A deque as an array and a head index: Array#shift on thousands of entries copies them all each time. */
  private buffer: Entry[] = [];
  private head = 0;
  private exhausted = false;
  private filling = false;
  private failure: unknown;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly iterator: AsyncIterator<readonly FileJob[]>,
    private readonly lookahead: number,
    private readonly prefetch: number,
  ) {}

  private size(): number {
    return this.buffer.length - this.head;
  }

  /** Inputs listed and not yet taken, or undefined while the listing goes on past the lookahead. */
  knownBacklog(): number | undefined {
    return this.exhausted ? this.size() : undefined;
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private startLoads(): void {
    const end = Math.min(this.buffer.length, this.head + this.prefetch);
    for (let index = this.head; index < end; index++) {
      const entry = this.buffer[index] as Entry;
      if (entry.job.path === undefined) entry.payload ??= entry.job.load();
    }
  }

  private shift(): Entry | undefined {
    if (this.head >= this.buffer.length) return undefined;
    const entry = this.buffer[this.head++];
    if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  private async fill(): Promise<void> {
    this.filling = true;
    try {
      while (!this.exhausted && this.size() < this.lookahead) {
        const next = await this.iterator.next();
        if (next.done) this.exhausted = true;
        else for (const job of next.value) this.buffer.push({ job });
        this.startLoads();
        this.wake();
      }
    } catch (error) {
      this.failure = error;
      this.exhausted = true;
      this.wake();
    } finally {
      this.filling = false;
    }
  }

  private kick(): void {
    if (!this.filling && !this.exhausted && this.size() < this.lookahead) void this.fill();
  }

  /** The next input if one is listed already, without waiting (the common case while scanning). */
  takeNow(): Entry | undefined {
    if (this.failure !== undefined) throw this.failure;
    const entry = this.shift();
    if (entry) {
      this.startLoads();
      this.kick();
    }
    return entry;
  }

  async take(): Promise<{ readonly job: FileJob; readonly payload: Promise<JobPayload> } | undefined> {
    for (;;) {
      const entry = this.takeNow();
      if (entry) return { job: entry.job, payload: entry.payload ?? entry.job.load() };
      if (this.exhausted) return undefined;
      this.kick();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** Scans every job, calling onResult as each input completes (in completion order, not input order). */
export async function runPool(jobs: AsyncIterable<readonly FileJob[]>, options: PoolOptions): Promise<void> {
  const queue = new JobQueue(jobs[Symbol.asyncIterator](), LOOKAHEAD, PREFETCH);
  const workers: ScanWorker[] = [];
  const workerLanes: Promise<void>[] = [];
  let handedOver = false;

  const nextBatch = async (): Promise<WorkerRequest['items']> => {
    const taken: { job: FileJob; payload: Promise<JobPayload> }[] = [];
    while (taken.length < BATCH_FILES) {
      const next = await queue.take();
      if (!next) break;
      taken.push(next);
      if ((next.job.sizeHint ?? 0) >= BATCH_BYTES) break;
    }
    return Promise.all(taken.map(async ({ job, payload }) => ({ file: job.file, payload: await payload })));
  };
  const lane = async (worker: ScanWorker): Promise<void> => {
    for (let batch = await nextBatch(); batch.length > 0; batch = await nextBatch()) {
      let results: readonly ScanResult[];
      try {
        results = await worker.scan(batch);
      } catch (error) {
        throw new Error(`${batch[0]?.file ?? 'replay'}: ${errorMessage(error)}`, { cause: error });
      }
      for (const result of results) options.onResult(result);
    }
  };
  const startWorkers = (): void => {
    for (let index = 0; index < options.workers; index++) {
      const worker = new ScanWorker(options.init);
      workers.push(worker);
      workerLanes.push(
        worker.ready.then(async () => {
          handedOver = true;
          await Promise.all(Array.from({ length: IN_FLIGHT_PER_WORKER }, () => lane(worker)));
        }),
      );
    }
  };

  let exhausted = false;
  try {
    const inlineMs = options.inlineMs ?? DEFAULT_INLINE_MS;
    // inlineMs 0: the workers do all the scanning (no race with the calling thread; tests rely on it).
    if (inlineMs === 0 && options.workers > 0) {
      startWorkers();
      handedOver = true;
    }
    let settings: ScanSettings | undefined;
    const started = performance.now();
    let lastYield = started;
    let scanned = 0;
    let scanMs = 0;
    while (!handedOver) {
      // Local files are read right here, with no promise per file; anything else waits for its load.
      const now = queue.takeNow();
      const next = now ?? (await queue.take());
      if (!next) {
        exhausted = true;
        break;
      }
      settings ??= settingsFrom(options.init, options.baseline);
      const before = performance.now();
      const payload: JobPayload =
        next.job.path !== undefined
          ? { kind: 'path', path: next.job.path }
          : await (next.payload ?? next.job.load());
      const bytes = payloadBytes(payload);
      options.onResult(
        bytes instanceof Uint8Array
          ? scanBytes(bytes, next.job.file, settings)
          : unreadableResult(next.job.file, bytes.reason),
      );
      const after = performance.now();
      scanned++;
      scanMs += after - before;
      if (after - lastYield >= YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
        if (workers.length === 0 && options.workers > 0 && lastYield - started >= inlineMs) {
          const backlog = queue.knownBacklog();
          const remainingMs = backlog === undefined ? Number.POSITIVE_INFINITY : (backlog * scanMs) / scanned;
          if (remainingMs > WORKER_PAYOFF_MS) startWorkers();
        }
      }
    }
    const lanes = Promise.all(workerLanes);
    if (handedOver || !exhausted) await lanes;
    else lanes.catch(() => {}); // finished before any worker was ready: they are stopped below, unused
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}
