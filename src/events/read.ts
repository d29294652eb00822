/** Reading an input: a file path (`.json`, `.json.gz`, or JSON Lines) or `-` for stdin. */
import { readFileSync } from 'node:fs';
import { EventDecodeError } from '../core/errors.ts';
import type { Decoded } from './decode.ts';
import { bytesToText, decodeText } from './decode.ts';

export type Stdin = AsyncIterable<Buffer | string>;

async function readStdin(stdin: Stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

export async function readInputBytes(path: string, stdin: Stdin = process.stdin): Promise<Uint8Array> {
  if (path === '-') return readStdin(stdin);
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw new EventDecodeError(`${path}: ${reason}`, { cause: error });
  }
}

/** Everything in one input, decoded. Throws EventDecodeError only when the input as a whole is unreadable. */
export async function readInput(path: string, stdin?: Stdin): Promise<Decoded[]> {
  const source = path === '-' ? 'stdin' : path;
  const text = bytesToText(await readInputBytes(path, stdin), source);
  return [...decodeText(text, source)];
}
