/**
 * A scanning thread: receives inputs (a path to read, or bytes fetched from S3), answers with a ScanResult.
 * Started through worker-entry.mjs, which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.ts';
import { payloadBytes } from './payload.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';
import type { ScanResult } from './scan.ts';
import { scanBytes, unreadableResult } from './scan.ts';
import type { ScanInit } from './settings.ts';
import { settingsFrom } from './settings.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const settings = settingsFrom(workerData as ScanInit);

function scanItem(file: string, payload: WorkerRequest['items'][number]['payload']): ScanResult {
  const bytes = payloadBytes(payload);
  if (bytes instanceof Uint8Array) return scanBytes(bytes, file, settings);
  return unreadableResult(file, bytes.reason);
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: request.id, results: request.items.map(({ file, payload }) => scanItem(file, payload)) };
  } catch (error) {
    reply = { id: request.id, error: errorMessage(error) };
  }
  port.postMessage(reply);
});
const ready: WorkerReply = { ready: true };
port.postMessage(ready);
