/**
 * Resource patterns as IAM matches them, compiled to token lists the automaton in resourceMatch.ts runs.
 *
 * The ARN semantics (docs/policy.md has the sources):
 * - An ARN has six colon-separated segments: `arn:partition:service:region:account:resource`. Wildcards work
 *   inside each of the first five and cannot span a colon there; the resource segment is everything after the
 *   fifth colon, and its `*` matches anything, colons and slashes included (`log-group:x:*`).
 * - The first five segments compare case-insensitively (they are lower-case in every real ARN); the resource
 *   segment is case-sensitive (`user/Bob` is not `user/bob`).
 * - An ARN with fewer than six segments is padded with `*` segments, as identity policies do (`arn:aws:s3` is
 *   `arn:aws:s3:*:*:*`).
 * - `Resource: "*"` matches every resource, and is the only pattern that matches the request of an action with
 *   no resource types (s3:ListAllMyBuckets is authorised against `*`).
 * - With `Version: 2012-10-17`, `${...}` is a policy variable: its value is not known offline. `${*}`, `${?}`
 *   and `${$}` are the literal characters. Older or missing versions treat `${...}` literally.
 */

/** One position of a pattern. */
export type Token =
  | { readonly t: 'lit'; readonly c: string }
  /** `*` (star) or `?`: any symbol except those in `excl`; VAR symbols only when `vars`. */
  | { readonly t: 'any'; readonly star: boolean; readonly excl: string; readonly vars: boolean }
  /** A policy variable, matched as a symbol of its own (same variable, same request, same value). */
  | { readonly t: 'var'; readonly name: string };

/**
 * How a pattern's wildcards and variables are read, so that every approximation errs towards reporting drift:
 * - `gen`: the new document's grants. A variable is a symbol of its own (same variable, same request, same
 *   value); a `*` may match it, a `?` may not (a value may be longer than one character).
 * - `under`: what may cover a grant (the baseline's Allows, the new document's own Denies): read like `gen`,
 *   so a variable is covered only by the same variable or a `*`.
 * - `over`: what may take away from the baseline or bound the request space (baseline Denies, resource-type
 *   templates). A variable is read as `*`.
 */
export type PatternMode = 'gen' | 'under' | 'over';

export interface CompiledPattern {
  readonly source: string;
  readonly tokens: readonly Token[];
  /**
   * A resource the pattern matches, as people would write one (a template's `${Region}` as `us-east-1`): tried
   * first as a witness, so examples read like real ARNs of the resource type.
   */
  readonly sample?: string;
}

/** What a template placeholder stands for in a sample ARN. */
const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  Partition: 'aws',
  Region: 'us-east-1',
  Account: '123456789012',
  AccountId: '123456789012',
};

const SEGMENT_COLON = ':';

type RawItem =
  | { readonly kind: 'char'; readonly c: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'var'; readonly name: string };

/** Splits a pattern into characters, wildcards and variables. */
export function rawItems(pattern: string, variables: boolean): RawItem[] {
  const items: RawItem[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (variables && ch === '$' && chars[i + 1] === '{') {
      const close = chars.indexOf('}', i + 2);
      if (close !== -1) {
        const content = chars.slice(i + 2, close).join('');
        i = close;
        if (content === '*' || content === '?' || content === '$') items.push({ kind: 'char', c: content });
        else items.push({ kind: 'var', name: variableName(content) });
        continue;
      }
    }
    if (ch === '*') items.push({ kind: 'star' });
    else if (ch === '?') items.push({ kind: 'one' });
    else items.push({ kind: 'char', c: ch });
  }
  return items;
}

/** Variable names are case-insensitive; a default value (`${aws:username, 'none'}`) keeps its case. */
export function variableName(content: string): string {
  const comma = content.indexOf(',');
  const key = (comma === -1 ? content : content.slice(0, comma)).trim().toLowerCase();
  return comma === -1 ? key : `${key},${content.slice(comma + 1).trim()}`;
}

export function hasVariables(pattern: string): boolean {
  return rawItems(pattern, true).some((item) => item.kind === 'var');
}

function isArnLike(items: readonly RawItem[]): boolean {
  const head = items.slice(0, 4);
  return (
    head.length === 4 &&
    head.every((item) => item.kind === 'char') &&
    head
      .map((item) => (item as { c: string }).c)
      .join('')
      .toLowerCase() === 'arn:'
  );
}

/** Segment index (0-5) of every raw item, padding short ARNs with `*` segments. */
function withSegments(items: readonly RawItem[]): { item: RawItem; segment: number }[] {
  if (!isArnLike(items)) return items.map((item) => ({ item, segment: 5 }));
  const out: { item: RawItem; segment: number }[] = [];
  let segment = 0;
  for (const item of items) {
    out.push({ item, segment });
    if (segment < 5 && item.kind === 'char' && item.c === SEGMENT_COLON) segment++;
  }
  while (segment < 5) {
    out.push({ item: { kind: 'char', c: SEGMENT_COLON }, segment });
    segment++;
    out.push({ item: { kind: 'star' }, segment });
  }
  return out;
}

function anyToken(star: boolean, excl: string, vars: boolean): Token {
  return { t: 'any', star, excl, vars };
}

/** Compiles a Resource / NotResource pattern of a policy. */
export function compilePattern(pattern: string, mode: PatternMode, variables: boolean): CompiledPattern {
  if (pattern === '*') return { source: pattern, tokens: [anyToken(true, '', mode !== 'gen')] };
  const tokens: Token[] = [];
  for (const { item, segment } of withSegments(rawItems(pattern, variables))) {
    const inArnHead = segment < 5;
    const excl = inArnHead ? SEGMENT_COLON : '';
    switch (item.kind) {
      case 'char':
        tokens.push({ t: 'lit', c: inArnHead ? item.c.toLowerCase() : item.c });
        break;
      case 'star':
        // A variable's value is some string, so any `*` may match it. (Values are taken to hold no colon:
        // one that did would shift the ARN's segments, and IAM matches segment by segment.)
        tokens.push(anyToken(true, excl, true));
        break;
      case 'one':
        tokens.push(anyToken(false, excl, mode === 'over'));
        break;
      case 'var':
        tokens.push(mode === 'over' ? anyToken(true, '', true) : { t: 'var', name: item.name });
        break;
    }
  }
  return { source: pattern, tokens };
}

/** A variable of a resource-type template that never holds `/`: bucket names (object keys follow the slash). */
const SLASH_FREE_TEMPLATE_VARIABLES = new Set(['BucketName']);

/**
 * Compiles an ARN template of the catalogue (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) into the
 * set of ARNs the resource type can have: an over-approximation (every real ARN of the type matches it).
 * `partition` pins `${Partition}` when the account's partition is known.
 */
export function compileTemplate(template: string, partition: string | undefined): CompiledPattern {
  const tokens: Token[] = [];
  let sample = '';
  let segment = 0;
  const chars = [...template];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const inArnHead = segment < 5;
    // `${Name}`, and once in the IAM data `{Date-and-Time-Stamp-of-Backup}` without the `$`.
    const open = ch === '$' && chars[i + 1] === '{' ? i + 2 : ch === '{' ? i + 1 : -1;
    const close = open === -1 ? -1 : chars.indexOf('}', open);
    if (close !== -1) {
      const name = chars.slice(open, close).join('');
      i = close;
      if (name === 'Partition' && partition !== undefined && inArnHead) {
        for (const c of partition) tokens.push({ t: 'lit', c });
        sample += partition;
        continue;
      }
      // Identifiers are never empty: one character, then anything the segment allows.
      const excl = inArnHead ? SEGMENT_COLON : SLASH_FREE_TEMPLATE_VARIABLES.has(name) ? ':/' : '';
      tokens.push(anyToken(false, excl, true), anyToken(true, excl, true));
      sample += SAMPLE_VALUES[name] ?? 'example';
      continue;
    }
    if (ch === '*') {
      // The IAM data writes `*` for "any name" (`dms:…:endpoint:*`, `/backend/${AppId}/*`): a wildcard, or a
      // real ARN of the type would fall outside its own type.
      tokens.push(anyToken(true, inArnHead ? SEGMENT_COLON : '', true));
      sample += 'example';
      continue;
    }
    const c = inArnHead ? ch.toLowerCase() : ch;
    tokens.push({ t: 'lit', c });
    sample += c;
    if (inArnHead && ch === SEGMENT_COLON) segment++;
  }
  return { source: template, tokens, sample };
}

/** The request resource of an action that has no resource types: the literal `*`. */
export const STAR_REQUEST: CompiledPattern = {
  source: '"*" (no resource types)',
  tokens: [{ t: 'lit', c: '*' }],
};

/** Any ARN (in `partition` when known): the request space of an action missing from the catalogue. */
export function anyArn(partition: string | undefined): CompiledPattern {
  const seg = anyToken(true, SEGMENT_COLON, true);
  const lit = (text: string): Token[] => [...text].map((c) => ({ t: 'lit', c }) as Token);
  const tokens: Token[] = [
    ...lit('arn:'),
    ...(partition !== undefined ? lit(partition) : [seg]),
    ...lit(':'),
    seg,
    ...lit(':'),
    seg,
    ...lit(':'),
    seg,
    ...lit(':'),
    anyToken(true, '', true),
  ];
  return { source: 'any ARN', tokens };
}

/**
 * The pattern as the canonical form writes it: the five ARN-head segments lower-cased (they compare
 * case-insensitively), variable names lower-cased; the resource segment untouched.
 */
export function canonicalResource(pattern: string, variables: boolean): string {
  if (pattern === '*') return pattern;
  const items = rawItems(pattern, variables);
  const arn = isArnLike(items);
  let segment = arn ? 0 : 5;
  let out = '';
  items.forEach((item, index) => {
    if (item.kind === 'star') out += '*';
    else if (item.kind === 'one') out += '?';
    else if (item.kind === 'var') out += `\${${item.name}}`;
    else {
      const next = items[index + 1];
      // Literal characters that would read as a wildcard or start a variable keep their escape.
      const keepEscaped =
        variables &&
        (item.c === '*' || item.c === '?' || (item.c === '$' && next?.kind === 'char' && next.c === '{'));
      out += keepEscaped ? `\${${item.c}}` : segment < 5 ? item.c.toLowerCase() : item.c;
      if (segment < 5 && item.c === SEGMENT_COLON) segment++;
    }
  });
  return out;
}
