/**
 * Spreads inputs over worker threads. Each worker holds at most two inputs (one being scanned, one loaded and
 * waiting), so memory stays bounded by the worker count whatever the number of files; the job list itself is
 * an async iterator pulled on demand.
 */
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../core/errors.ts';
import type { ScanResult } from './scan.ts';
import { scanBytes } from './scan.ts';
import type { ScanInit } from './settings.ts';
import { settingsFrom } from './settings.ts';
import type { FileJob, JobPayload } from './sources.ts';
import { payloadBytes } from './sources.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly file: string;
  readonly payload: JobPayload;
}

export type WorkerReply =
  | { readonly id: number; readonly result: ScanResult }
  | { readonly id: number; readonly error: string };

export interface PoolOptions {
  /** Worker threads; 0 scans on the calling thread. A single input is always scanned in-thread. */
  readonly workers: number;
  readonly init: ScanInit;
  readonly onResult: (result: ScanResult) => void;
}

const IN_FLIGHT_PER_WORKER = 2;
const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

function unreadable(file: string, reason: string): ScanResult {
  return { file, records: 0, outOfRange: 0, malformed: [{ file, reason }], watched: [] };
}

class ScanWorker {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (r: ScanResult) => void; reject: (e: Error) => void }
  >();
  private failure: Error | undefined;

  constructor(init: ScanInit) {
    this.worker = new Worker(WORKER_ENTRY, { workerData: init });
    this.worker.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('result' in reply) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error));
    });
    this.worker.on('error', (error) => this.fail(new Error(`replay worker failed: ${errorMessage(error)}`)));
    this.worker.on('exit', (code) => {
      if (this.pending.size > 0) this.fail(new Error(`replay worker exited with code ${code}`));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  scan(file: string, payload: JobPayload): Promise<ScanResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: WorkerRequest = { id, file, payload };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Bytes fetched from S3 move to the worker without a copy.
      const transfer = payload.kind === 'bytes' ? [payload.bytes.buffer as ArrayBuffer] : [];
      this.worker.postMessage(request, transfer);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Scans every job, calling onResult as each input completes (in completion order, not input order). */
export async function runPool(jobs: AsyncIterable<FileJob>, options: PoolOptions): Promise<void> {
  const iterator = jobs[Symbol.asyncIterator]();
  const first: FileJob[] = [];
  let exhausted = false;
  // Peek before starting threads: a replay of one file does not pay for a worker start.
  while (first.length < Math.max(options.workers, 2)) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    first.push(next.value);
  }
  const nextJob = async (): Promise<FileJob | undefined> => {
    const queued = first.shift();
    if (queued) return queued;
    if (exhausted) return undefined;
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return undefined;
    }
    return next.value;
  };

  if (options.workers === 0 || (exhausted && first.length <= 1)) {
    const settings = settingsFrom(options.init);
    for (let job = await nextJob(); job; job = await nextJob()) {
      const bytes = await payloadBytes(await job.load());
      options.onResult(
        bytes instanceof Uint8Array
          ? scanBytes(bytes, job.file, settings)
          : unreadable(job.file, bytes.reason),
      );
    }
    return;
  }

  const count = exhausted ? Math.min(options.workers, first.length) : options.workers;
  const workers = Array.from({ length: count }, () => new ScanWorker(options.init));
  const lane = async (worker: ScanWorker): Promise<void> => {
    for (let job = await nextJob(); job; job = await nextJob()) {
      const payload = await job.load();
      let result: ScanResult;
      try {
        result = await worker.scan(job.file, payload);
      } catch (error) {
        throw new Error(`${job.file}: ${errorMessage(error)}`, { cause: error });
      }
      options.onResult(result);
    }
  };
  try {
    await Promise.all(
      workers.flatMap((worker) => Array.from({ length: IN_FLIGHT_PER_WORKER }, () => lane(worker))),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}
