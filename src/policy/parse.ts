/**
 * IAM policy parsing and normalisation. Accepts what IAM accepts (a JSON string or an object; Statement as an
 * object or a list; Action/Resource as a string or a list) and returns one shape: every list an array,
 * actions lower-cased, values sorted and de-duplicated, each statement keeping its path for explanations.
 */
import { PolicyParseError } from '../core/errors.ts';

export type Effect = 'Allow' | 'Deny';

export interface PatternSet {
  /** True for NotAction / NotResource: the statement applies to everything except `patterns`. */
  readonly negated: boolean;
  readonly patterns: readonly string[];
}

/** operator → condition key (lower-cased) → sorted values. */
export type NormalizedCondition = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface NormalizedStatement {
  /** Where the statement sits in its document, e.g. `Statement[2]`; explanations cite it. */
  readonly path: string;
  readonly sid?: string;
  readonly effect: Effect;
  readonly actions: PatternSet;
  readonly resources: PatternSet;
  readonly condition: NormalizedCondition | null;
}

export interface PolicyDocument {
  readonly version?: string;
  readonly statements: readonly NormalizedStatement[];
}

const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
  'NotPrincipal',
]);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(where: string, path: string, reason: string): never {
  throw new PolicyParseError(path ? `${where}: ${path}: ${reason}` : `${where}: ${reason}`);
}

/**
 * What every policy statement is checked for first, identity and trust policies alike: an object of known
 * elements, an Effect, exactly one of each pair (`Action`/`NotAction`...), a string Sid. The caller reads the rest.
 */
export function statementHead(
  raw: unknown,
  where: string,
  path: string,
  known: ReadonlySet<string>,
  exclusive: readonly (readonly [string, string])[],
): { readonly raw: Record<string, unknown>; readonly effect: 'Allow' | 'Deny'; readonly sid?: string } {
  if (!isRecord(raw)) return fail(where, path, 'expected an object');
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) return fail(where, `${path}.${key}`, 'unknown statement element');
  }
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny')
    return fail(where, `${path}.Effect`, 'expected "Allow" or "Deny"');
  for (const [one, other] of exclusive) {
    if ((raw[one] === undefined) === (raw[other] === undefined))
      return fail(where, path, `expected exactly one of ${one} or ${other}`);
  }
  if (raw.Sid !== undefined && typeof raw.Sid !== 'string')
    return fail(where, `${path}.Sid`, 'expected a string');
  return { raw, effect, ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}) };
}

/** Decodes a policy given as text. CloudTrail carries it as plain JSON; IAM's Get* APIs URL-encode it. */
export function decodePolicyText(text: string, where: string): unknown {
  const trimmed = text.trim();
  const candidates = trimmed.startsWith('%') ? [safeDecodeUri(trimmed), trimmed] : [trimmed];
  let firstError: unknown;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      return JSON.parse(candidate);
    } catch (error) {
      firstError ??= error;
    }
  }
  const reason = firstError instanceof Error ? firstError.message : 'not JSON';
  return fail(where, '', `not valid JSON (${reason.split('\n')[0]})`);
}

/**
 * A policy document as IAM's Get* and List* APIs return it (URL-encoded, RFC 3986), as JSON text; text that is
 * already JSON (CloudTrail, the baseline) or that does not decode is returned as it is.
 */
export function decodeIamDocument(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  return safeDecodeUri(trimmed) ?? trimmed;
}

/** decodeIamDocument of a reply's document field, which IAM always fills: `what` names the reply when it did not. */
export function iamReplyDocument(text: string | undefined, what: string): string {
  if (text === undefined) throw new Error(`${what}: IAM returned no document`);
  return decodeIamDocument(text);
}

function safeDecodeUri(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function stringList(value: unknown, where: string, path: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  return fail(where, path, 'expected a string or a non-empty list of strings');
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function normalizeCondition(value: unknown, where: string, path: string): NormalizedCondition | null {
  if (value === undefined) return null;
  if (!isRecord(value)) return fail(where, path, 'expected an object of operators');
  const result: Record<string, Record<string, readonly string[]>> = {};
  for (const operator of Object.keys(value).sort()) {
    const block = value[operator];
    if (!isRecord(block)) return fail(where, `${path}.${operator}`, 'expected an object of condition keys');
    const keys: Record<string, readonly string[]> = {};
    for (const [rawKey, rawValues] of Object.entries(block)) {
      const list = Array.isArray(rawValues) ? rawValues : [rawValues];
      if (!list.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
        return fail(
          where,
          `${path}.${operator}.${rawKey}`,
          'expected a string, number, boolean or list of them',
        );
      }
      // Condition keys are case-insensitive in IAM; values are not.
      const key = rawKey.toLowerCase();
      keys[key] = sortedUnique([...(keys[key] ?? []), ...list.map(String)]);
    }
    result[operator] = Object.fromEntries(Object.entries(keys).sort(([a], [b]) => a.localeCompare(b)));
  }
  return Object.keys(result).length === 0 ? null : result;
}

export function normalizeStatement(input: unknown, where: string, path: string): NormalizedStatement {
  const { raw, effect, sid } = statementHead(input, where, path, STATEMENT_KEYS, [
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
  ]);
  const actionKey = raw.Action !== undefined ? 'Action' : 'NotAction';
  const resourceKey = raw.Resource !== undefined ? 'Resource' : 'NotResource';
  const actions = stringList(raw[actionKey], where, `${path}.${actionKey}`).map((a) => a.toLowerCase());
  const resources = stringList(raw[resourceKey], where, `${path}.${resourceKey}`);
  return {
    path,
    ...(sid !== undefined ? { sid } : {}),
    effect,
    actions: { negated: actionKey === 'NotAction', patterns: sortedUnique(actions) },
    resources: { negated: resourceKey === 'NotResource', patterns: sortedUnique(resources) },
    condition: normalizeCondition(raw.Condition, where, `${path}.Condition`),
  };
}

/** Normalises a list of statements (or a single one), as found in a document or a baseline envelope. */
export function normalizeStatements(raw: unknown, where: string, path = 'Statement'): NormalizedStatement[] {
  if (Array.isArray(raw)) {
    if (raw.length === 0) return fail(where, path, 'expected at least one statement');
    return raw.map((statement, index) => normalizeStatement(statement, where, `${path}[${index}]`));
  }
  return [normalizeStatement(raw, where, path)];
}

/** Parses a policy document from its JSON text or an already-decoded object. */
export function parsePolicyDocument(input: unknown, where: string): PolicyDocument {
  const doc = typeof input === 'string' ? decodePolicyText(input, where) : input;
  if (!isRecord(doc)) return fail(where, '', 'expected a JSON object');
  if (doc.Statement === undefined) return fail(where, 'Statement', 'missing');
  if (doc.Version !== undefined && typeof doc.Version !== 'string')
    return fail(where, 'Version', 'expected a string');
  return {
    ...(typeof doc.Version === 'string' ? { version: doc.Version } : {}),
    statements: normalizeStatements(doc.Statement, where),
  };
}
