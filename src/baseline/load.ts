/**
 * Reading a baseline: YAML (or JSON, which is YAML) → schema validation → compiled Baseline.
 * Every failure is a BaselineError with one line: `file:line: path: reason`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod/mini';
import type { BaselineIssue } from '../core/errors.ts';
import { BaselineError, GuardrailError } from '../core/errors.ts';
import { formatPath, valueAt } from '../core/path.ts';
import { ENGLISH_ERRORS } from '../core/zod.ts';
import type { Baseline } from './baseline.ts';
import { compileBaseline } from './baseline.ts';
import { BaselineSchema } from './schema.ts';

interface RawIssue {
  readonly path: PropertyKey[];
  readonly message: string;
  /** The problem is the key itself (unknown or invalid), so point at the key, not its value. */
  readonly atKey?: boolean;
}

function issuesOf(error: z.core.$ZodError, raw: unknown): RawIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0] ?? '';
      const more = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).join(', ')})` : '';
      return { path: [...issue.path, key], message: `unknown key${more}`, atKey: true };
    }
    if (issue.code === 'invalid_key') {
      // A record key that failed its own schema (e.g. a role name IAM would refuse): say why.
      return { path: issue.path, message: issue.issues[0]?.message ?? issue.message, atKey: true };
    }
    if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
      return { path: issue.path, message: 'missing' };
    }
    return { path: issue.path, message: issue.message };
  });
}

/** Parses baseline text. `source` names the file in messages. */
export function parseBaseline(text: string, source: string): Baseline {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    const firstLine = syntaxError.message.split('\n')[0] ?? 'invalid YAML';
    throw new BaselineError(`${source}${line ? `:${line}` : ''}: ${firstLine}`);
  }
  // The line of the deepest node that exists along the path (a missing key points at its parent).
  const lineOf = (path: readonly PropertyKey[], atKey = false): number | undefined => {
    if (atKey && path.length > 0) {
      const parent = path.length > 1 ? doc.getIn(path.slice(0, -1) as unknown[], true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1));
        const offset = isNode(pair?.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) return lineCounter.linePos(offset).line;
      }
    }
    for (let length = path.length; length > 0; length--) {
      const node = doc.getIn(path.slice(0, length) as unknown[], true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return undefined;
  };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("Excessive alias count…") while building the value.
    throw new BaselineError(`${source}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (raw === null || raw === undefined) throw new BaselineError(`${source}: the file is empty`);
  const parsed = BaselineSchema.safeParse(raw, { error: ENGLISH_ERRORS });
  if (!parsed.success) {
    const issues: BaselineIssue[] = issuesOf(parsed.error, raw).map(({ path, message, atKey }) => {
      const line = lineOf(path, atKey);
      return { path: formatPath(path), message, ...(line ? { line } : {}) };
    });
    const first = issues[0] as BaselineIssue;
    const more =
      issues.length > 1 ? ` (${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new BaselineError(
      `${source}${first.line ? `:${first.line}` : ''}: ${first.path}: ${first.message}${more}`,
      {
        issues,
      },
    );
  }
  try {
    return compileBaseline(parsed.data, source, lineOf);
  } catch (error) {
    if (error instanceof GuardrailError) throw new BaselineError(error.message, { cause: error });
    throw error;
  }
}

export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read';
    throw new BaselineError(`${path}: ${reason}`, { cause: error });
  }
  return parseBaseline(text, path);
}
