/**
 * Where the real CloudTrail corpus (../shared/corpus, read in place, never copied) is: GUARDRAIL_CORPUS_DIR
 * if set, else a `shared/corpus` beside the checkout or one of its parents (a CI clone may sit deeper), else
 * the workplace's /work/shared/corpus. Undefined when none exists: the tests that need it skip, saying so.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findCorpus(): string | undefined {
  const fromEnv = process.env.GUARDRAIL_CORPUS_DIR;
  if (fromEnv) return existsSync(fromEnv) ? resolve(fromEnv) : undefined;
  let dir = fileURLToPath(new URL('../..', import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = join(dir, 'shared', 'corpus');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return existsSync('/work/shared/corpus') ? '/work/shared/corpus' : undefined;
}

export const corpus: string | undefined = findCorpus();
export const CORPUS_MISSING = 'shared/corpus not found (set GUARDRAIL_CORPUS_DIR): real-record tests skipped';

export function corpusPath(...parts: string[]): string {
  if (!corpus) throw new Error(CORPUS_MISSING);
  return join(corpus, ...parts);
}
