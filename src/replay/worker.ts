/**
 * A scanning thread: receives inputs (a path to read, or bytes fetched from S3), answers with a ScanResult.
 * Started through worker-entry.mjs, which registers tsx first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../core/errors.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';
import { scanBytes } from './scan.ts';
import type { ScanInit } from './settings.ts';
import { settingsFrom } from './settings.ts';
import { payloadBytes } from './sources.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const settings = settingsFrom(workerData as ScanInit);

port.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const bytes = await payloadBytes(request.payload);
    reply =
      bytes instanceof Uint8Array
        ? { id: request.id, result: scanBytes(bytes, request.file, settings) }
        : {
            id: request.id,
            result: {
              file: request.file,
              records: 0,
              outOfRange: 0,
              malformed: [{ file: request.file, reason: bytes.reason }],
              watched: [],
            },
          };
  } catch (error) {
    reply = { id: request.id, error: errorMessage(error) };
  }
  port.postMessage(reply);
});
