/**
 * Reading a baseline: YAML (or JSON, which is YAML) → schema validation → compiled Baseline.
 * Every failure is a BaselineError with one line: `file:line: path: reason`.
 */
import { readFileSync } from 'node:fs';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod/mini';
import type { BaselineIssue } from '../core/errors.ts';
import { BaselineError, GuardrailError, PolicyParseError } from '../core/errors.ts';
import { formatPath, valueAt } from '../core/path.ts';
import { ENGLISH_ERRORS } from '../core/zod.ts';
import { normalizeStatement } from '../policy/parse.ts';
import type { Baseline } from './baseline.ts';
import { compileBaseline } from './baseline.ts';
import type { BaselineHints } from './hints.ts';
import type { BaselineFile } from './schema.ts';
import { BaselineSchema } from './schema.ts';

interface RawIssue {
  readonly path: PropertyKey[];
  readonly message: string;
  /** The problem is the key itself (unknown or invalid), so point at the key, not its value. */
  readonly atKey?: boolean;
}

function issuesOf(error: z.core.$ZodError, raw: unknown, hints?: BaselineHints): RawIssue[] {
  const issues: RawIssue[] = [];
  // A key in the wrong case (`effect:`) is reported once, as that key, not also as the real key missing.
  const explained = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const key of issue.keys) {
      const hint = hints?.unknownKey(issue.path, key);
      if (hint?.meant) explained.add(JSON.stringify([...issue.path, hint.meant]));
      issues.push({
        path: [...issue.path, key],
        message: hint ? `unknown key; ${hint.hint}` : 'unknown key',
        atKey: true,
      });
    }
  }
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') continue;
    if (issue.code === 'invalid_key') {
      // A record key that failed its own schema (e.g. a role name IAM would refuse): say why.
      issues.push({ path: issue.path, message: issue.issues[0]?.message ?? issue.message, atKey: true });
      continue;
    }
    const value = valueAt(raw, issue.path);
    if (value === undefined && explained.has(JSON.stringify(issue.path))) continue;
    if (issue.code === 'invalid_type' && value === undefined) {
      issues.push({ path: issue.path, message: 'missing' });
      continue;
    }
    const hint =
      issue.code === 'invalid_type' || issue.code === 'invalid_value'
        ? hints?.value(issue.path, value)
        : undefined;
    issues.push({ path: issue.path, message: hint ? `${issue.message}; ${hint}` : issue.message });
  }
  return issues;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where the raw document holds policy statements: each envelope's items, and neverGrant's. */
function statementLocations(raw: unknown): PropertyKey[][] {
  if (!isMapping(raw)) return [];
  const lists: PropertyKey[][] = [['neverGrant']];
  for (const section of ['roles', 'groups', 'policies']) {
    const entries = raw[section];
    if (isMapping(entries))
      for (const name of Object.keys(entries)) lists.push([section, name, 'permissions']);
  }
  const approved = isMapping(raw.users) ? raw.users.approved : undefined;
  if (Array.isArray(approved))
    for (const index of approved.keys()) lists.push(['users', 'approved', index, 'permissions']);
  return lists.flatMap((list) => {
    const items = valueAt(raw, list);
    return Array.isArray(items) ? items.map((_, index) => [...list, index]) : [];
  });
}

/**
 * What the statement checks (src/policy/parse.ts) say about statements the schema found no fault in, so one
 * run reports those problems too instead of after the schema's are fixed.
 */
function statementIssues(raw: unknown, reported: readonly RawIssue[]): RawIssue[] {
  const issues: RawIssue[] = [];
  for (const location of statementLocations(raw)) {
    const path = formatPath(location);
    if (reported.some((issue) => formatPath(issue.path).startsWith(path))) continue;
    try {
      normalizeStatement(valueAt(raw, location), '', path);
    } catch (error) {
      if (!(error instanceof PolicyParseError)) throw error;
      // The message is `: path: reason` (no file here): keep the reason, point at the statement.
      const reason = error.message.split(': ').slice(2).join(': ');
      issues.push({ path: location, message: reason || error.message });
    }
  }
  return issues;
}

/** A baseline file that passed the schema: its values with every default filled in, and where each key is. */
export interface ValidatedFile {
  readonly file: BaselineFile;
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

export interface ParseOptions {
  /**
   * Hints for common mistakes added to the reasons (src/baseline/hints.ts): the CLI passes them; the functions
   * do not bundle them (their message is for a log, the CLI's for the person fixing the file).
   */
  readonly hints?: BaselineHints;
}

/** Parses baseline text. `source` names the file in messages. */
export function parseBaseline(text: string, source: string, options: ParseOptions = {}): Baseline {
  const { file, lineOf } = validateBaselineText(text, source, options);
  try {
    return compileBaseline(file, source, lineOf);
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    if (error instanceof GuardrailError) throw new BaselineError(error.message, { cause: error });
    throw error;
  }
}

/** YAML syntax and the schema, without compiling statements (`baseline validate --print-defaults` shows this). */
export function validateBaselineText(
  text: string,
  source: string,
  options: ParseOptions = {},
): ValidatedFile {
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
    const schemaIssues = issuesOf(parsed.error, raw, options.hints);
    const issues: BaselineIssue[] = [...schemaIssues, ...statementIssues(raw, schemaIssues)]
      .map(({ path, message, atKey }) => {
        const line = lineOf(path, atKey);
        return { path: formatPath(path), message, ...(line ? { line } : {}) };
      })
      // In the order of the file, so a person fixes them top to bottom.
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
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
  return { file: parsed.data, lineOf };
}

/** A baseline file's text; a missing or unreadable file is a one-line BaselineError naming it. */
export function readBaselineFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read';
    throw new BaselineError(`${path}: ${reason}`, { cause: error });
  }
}

export function loadBaseline(path: string, options: ParseOptions = {}): Baseline {
  return parseBaseline(readBaselineFile(path), path, options);
}
