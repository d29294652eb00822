/** What a scanning thread needs to read one input, and the reading itself (no AWS client here: workers load it). */
import { readFileSync } from 'node:fs';

export type JobPayload =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * The payload's bytes, or why there are none. Local files are read synchronously: the scan that follows is
 * synchronous CPU work on this same thread anyway, and one read call per file is far cheaper than the
 * open/stat/read/close round trips of fs.promises.readFile over thousands of small log files.
 */
export function payloadBytes(payload: JobPayload): Uint8Array | { readonly reason: string } {
  if (payload.kind === 'bytes') return payload.bytes;
  if (payload.kind === 'unreadable') return { reason: payload.reason };
  try {
    return readFileSync(payload.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no such file (vanished during the replay)' : 'cannot be read' };
  }
}
