/**
 * Exact reasoning over sets of resources written as IAM patterns. A question is a boolean combination of
 * pattern languages ("a resource the new statement grants, that the resource type can have, that no baseline
 * Allow covers"); the answer is one such resource, or that none exists. It runs all patterns' NFAs in
 * lock-step (a product of subset constructions) over a finite alphabet: the characters the patterns name, one
 * symbol for "any other character", and one per policy variable. Unions are handled exactly, so
 * `bucket*` is covered by `bucket` plus `bucket?*`, which pairwise subsumption misses.
 */
import type { CompiledPattern, Token } from './resourcePattern.ts';

/** A set of resources: those matched by any of `patterns`, or (negated, NotResource) by none of them. */
export interface Language {
  readonly patterns: readonly CompiledPattern[];
  readonly negated: boolean;
}

export interface ResourceQuery {
  /** Each must accept. */
  readonly all: readonly Language[];
  /** None may accept. */
  readonly none: readonly Language[];
  /** When not empty, at least one must accept. */
  readonly any: readonly Language[];
}

export type SearchResult =
  | { readonly kind: 'empty' }
  | { readonly kind: 'witness'; readonly example: string }
  /** The state space grew past the bound: callers treat this as a witness, and say so. */
  | { readonly kind: 'undecided' };

const OTHER = '\u0000';
const VAR_PREFIX = '\u0001';
const MAX_STATES = 20_000;
const PLACEHOLDERS = 'xyzqkjw0123456789';

interface Nfa {
  readonly tokens: readonly Token[];
  readonly closure: readonly (readonly number[])[];
  readonly universalFrom: readonly boolean[];
  /** transitions[symbol][position]: next positions, computed on demand. */
  readonly moves: (readonly number[] | undefined)[][];
}

function tokenMatches(token: Token, symbol: string): boolean {
  if (token.t === 'lit') return symbol === token.c;
  if (token.t === 'var') return symbol === VAR_PREFIX + token.name;
  if (symbol.startsWith(VAR_PREFIX)) return token.vars;
  return symbol === OTHER || !token.excl.includes(symbol);
}

function buildNfa(tokens: readonly Token[], alphabet: readonly string[]): Nfa {
  const n = tokens.length;
  const closure: number[][] = new Array(n + 1);
  closure[n] = [n];
  for (let i = n - 1; i >= 0; i--) {
    const token = tokens[i] as Token;
    closure[i] = token.t === 'any' && token.star ? [i, ...(closure[i + 1] as number[])] : [i];
  }
  const universalFrom: boolean[] = new Array(n + 1).fill(false);
  for (let i = n - 1; i >= 0; i--) {
    const token = tokens[i] as Token;
    const universalStar =
      token.t === 'any' && token.star && alphabet.every((symbol) => tokenMatches(token, symbol));
    universalFrom[i] = universalStar && (i + 1 === n || (universalFrom[i + 1] as boolean));
  }
  return { tokens, closure, universalFrom, moves: alphabet.map(() => new Array(n + 1)) };
}

function move(nfa: Nfa, position: number, symbolIndex: number, symbol: string): readonly number[] {
  const row = nfa.moves[symbolIndex] as (readonly number[] | undefined)[];
  const cached = row[position];
  if (cached) return cached;
  let next: readonly number[] = [];
  const token = nfa.tokens[position];
  if (token && tokenMatches(token, symbol)) {
    next = token.t === 'any' && token.star ? [position] : (nfa.closure[position + 1] as number[]);
  }
  row[position] = next;
  return next;
}

function stepSet(nfa: Nfa, set: readonly number[], symbolIndex: number, symbol: string): number[] {
  if (set.length === 1) {
    const only = move(nfa, set[0] as number, symbolIndex, symbol);
    // A star loop stays put but still reaches what follows it.
    return only.length === 1 ? [...(nfa.closure[only[0] as number] as number[])] : [...only];
  }
  const out = new Set<number>();
  for (const position of set) {
    for (const next of move(nfa, position, symbolIndex, symbol)) {
      for (const reached of nfa.closure[next] as number[]) out.add(reached);
    }
  }
  return [...out].sort((a, b) => a - b);
}

type Status = 'accept-all' | 'reject-all' | 'open';

interface LanguageSlot {
  readonly language: Language;
  readonly nfaIndices: readonly number[];
}

function collectAlphabet(query: ResourceQuery): string[] {
  const chars = new Set<string>([':', '/']);
  const vars = new Set<string>();
  for (const language of [...query.all, ...query.none, ...query.any]) {
    for (const pattern of language.patterns) {
      for (const token of pattern.tokens) {
        if (token.t === 'lit') chars.add(token.c);
        else if (token.t === 'var') vars.add(VAR_PREFIX + token.name);
        else for (const c of token.excl) chars.add(c);
      }
    }
  }
  // "Any other character" first: witnesses then read `bucket-x/x` rather than borrowing a pattern's `-`.
  return [OTHER, ...[...chars].sort(), ...[...vars].sort()];
}

/** A resource satisfying the query (short and readable, not always the shortest), or proof that there is none. */
export function findResource(query: ResourceQuery): SearchResult {
  const alphabet = collectAlphabet(query);
  const nfas: Nfa[] = [];
  const slot = (language: Language): LanguageSlot => ({
    language,
    nfaIndices: language.patterns.map((pattern) => nfas.push(buildNfa(pattern.tokens, alphabet)) - 1),
  });
  const all = query.all.map(slot);
  const none = query.none.map(slot);
  const any = query.any.map(slot);

  const status = (s: LanguageSlot, sets: readonly (readonly number[])[]): Status => {
    let someUniversal = false;
    let allDead = true;
    for (const index of s.nfaIndices) {
      const set = sets[index] as readonly number[];
      if (set.length > 0) allDead = false;
      const nfa = nfas[index] as Nfa;
      if (set.some((position) => nfa.universalFrom[position])) someUniversal = true;
    }
    if (!s.language.negated) return someUniversal ? 'accept-all' : allDead ? 'reject-all' : 'open';
    return allDead ? 'accept-all' : someUniversal ? 'reject-all' : 'open';
  };
  const accepts = (s: LanguageSlot, sets: readonly (readonly number[])[]): boolean => {
    const matched = s.nfaIndices.some((index) =>
      (sets[index] as readonly number[]).includes((nfas[index] as Nfa).tokens.length),
    );
    return s.language.negated ? !matched : matched;
  };
  const hopeless = (sets: readonly (readonly number[])[]): boolean =>
    all.some((s) => status(s, sets) === 'reject-all') ||
    none.some((s) => status(s, sets) === 'accept-all') ||
    (any.length > 0 && any.every((s) => status(s, sets) === 'reject-all'));
  const satisfied = (sets: readonly (readonly number[])[]): boolean =>
    all.every((s) => accepts(s, sets)) &&
    !none.some((s) => accepts(s, sets)) &&
    (any.length === 0 || any.some((s) => accepts(s, sets)));

  const start = nfas.map((nfa) => [...(nfa.closure[0] as number[])]);
  if (hopeless(start)) return { kind: 'empty' };
  const keyOf = (sets: readonly (readonly number[])[]): string => sets.map((set) => set.join(',')).join('|');
  const parents = new Map<string, { readonly parent: string | null; readonly symbol: number }>();
  const startKey = keyOf(start);
  parents.set(startKey, { parent: null, symbol: -1 });
  // The all-languages' NFAs first: most symbols kill the granting pattern at once, and then nothing else runs.
  const allIndices = all.flatMap((s) => s.nfaIndices);
  const restIndices = nfas.map((_, i) => i).filter((i) => !allIndices.includes(i));
  const successor = (sets: readonly number[][], symbolIndex: number): number[][] | null => {
    const symbol = alphabet[symbolIndex] as string;
    const stepped: number[][] = new Array(nfas.length);
    for (const index of allIndices)
      stepped[index] = stepSet(nfas[index] as Nfa, sets[index] as number[], symbolIndex, symbol);
    for (const s of all) if (status(s, stepped) === 'reject-all') return null;
    for (const index of restIndices)
      stepped[index] = stepSet(nfas[index] as Nfa, sets[index] as number[], symbolIndex, symbol);
    return hopeless(stepped) ? null : stepped;
  };
  // Symbols worth trying from a state: when a positive all-language sits only on literal characters (the
  // `arn:aws:s3:::bucket` prefix of a grant), only those can keep it alive.
  const symbolIndex = new Map(alphabet.map((symbol, i) => [symbol, i]));
  const everySymbol = alphabet.map((_, i) => i);
  const candidates = (sets: readonly number[][]): readonly number[] => {
    let allowed = null as Set<number> | null;
    for (const s of all) {
      if (s.language.negated) continue;
      const chars = new Set<number>();
      let open = false;
      for (const index of s.nfaIndices) {
        const nfa = nfas[index] as Nfa;
        for (const position of sets[index] as number[]) {
          const token = nfa.tokens[position];
          if (token === undefined) continue;
          if (token.t !== 'lit') open = true;
          else chars.add(symbolIndex.get(token.c) as number);
        }
        if (open) break;
      }
      if (open) continue;
      allowed = allowed === null ? chars : new Set([...allowed].filter((c) => chars.has(c)));
    }
    return allowed === null ? everySymbol : [...allowed].sort((a, b) => a - b);
  };
  // Depth first, "any other character" tried first: a witness, when there is one, is found in about as many
  // steps as it has characters and reads `bucket-x/x`; proving there is none visits every reachable state once.
  if (satisfied(start)) return { kind: 'witness', example: '' };
  const stack: { key: string; sets: number[][]; symbols: readonly number[]; next: number }[] = [
    { key: startKey, sets: start, symbols: candidates(start), next: 0 },
  ];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (top.next >= top.symbols.length) {
      stack.pop();
      continue;
    }
    const symbol = top.symbols[top.next++] as number;
    const stepped = successor(top.sets, symbol);
    if (!stepped) continue;
    const steppedKey = keyOf(stepped);
    if (parents.has(steppedKey)) continue;
    parents.set(steppedKey, { parent: top.key, symbol });
    if (satisfied(stepped)) return { kind: 'witness', example: render(steppedKey, parents, alphabet) };
    if (parents.size > MAX_STATES) return { kind: 'undecided' };
    stack.push({ key: steppedKey, sets: stepped, symbols: candidates(stepped), next: 0 });
  }
  return { kind: 'empty' };
}

function render(
  key: string,
  parents: ReadonlyMap<string, { readonly parent: string | null; readonly symbol: number }>,
  alphabet: readonly string[],
): string {
  const symbols: string[] = [];
  let cursor: string | null = key;
  while (cursor !== null) {
    const entry = parents.get(cursor);
    if (!entry || entry.parent === null) break;
    symbols.push(alphabet[entry.symbol] as string);
    cursor = entry.parent;
  }
  const used = new Set(alphabet);
  const placeholder = [...PLACEHOLDERS].find((c) => !used.has(c)) ?? '_';
  return symbols
    .reverse()
    .map((symbol) =>
      symbol === OTHER ? placeholder : symbol.startsWith(VAR_PREFIX) ? `\${${symbol.slice(1)}}` : symbol,
    )
    .join('');
}

function literalHead(tokens: readonly Token[]): string {
  let head = '';
  for (const token of tokens) {
    if (token.t !== 'lit') break;
    head += token.c;
  }
  return head;
}

/**
 * Cheap sufficient test that two patterns share no resource: their literal beginnings disagree
 * (`arn:aws:s3:::…` against `arn:aws:lambda:…`). False means "not shown".
 */
export function patternsDisjoint(a: readonly Token[], b: readonly Token[]): boolean {
  const x = literalHead(a);
  const y = literalHead(b);
  const n = Math.min(x.length, y.length);
  if (x.slice(0, n) !== y.slice(0, n)) return true;
  // One pattern is all literal and shorter than the other's literal beginning.
  return (x.length === a.length && x.length < y.length) || (y.length === b.length && y.length < x.length);
}

/**
 * Cheap sufficient test that `outer` covers `inner` (every resource `inner` matches, `outer` matches), read
 * pairwise on tokens. False means "not shown", and the caller falls back to findResource.
 */
const coversCache = new WeakMap<readonly Token[], WeakMap<readonly Token[], boolean>>();

export function patternCovers(outer: readonly Token[], inner: readonly Token[]): boolean {
  let row = coversCache.get(outer);
  if (!row) {
    row = new WeakMap();
    coversCache.set(outer, row);
  }
  const known = row.get(inner);
  if (known !== undefined) return known;
  const result = computeCovers(outer, inner);
  row.set(inner, result);
  return result;
}

function computeCovers(outer: readonly Token[], inner: readonly Token[]): boolean {
  const width = inner.length + 1;
  const memo = new Int8Array((outer.length + 1) * width);
  const within = (star: Token & { t: 'any' }, token: Token): boolean => {
    if (token.t === 'lit') return !star.excl.includes(token.c);
    if (token.t === 'var') return star.vars;
    return [...star.excl].every((c) => token.excl.includes(c)) && (star.vars || !token.vars);
  };
  const covers = (a: number, b: number): boolean => {
    const slot = a * width + b;
    const cached = memo[slot] as number;
    if (cached !== 0) return cached === 1;
    let result: boolean;
    const o = outer[a];
    const i = inner[b];
    if (o === undefined) result = i === undefined;
    else if (o.t === 'any' && o.star) {
      result = covers(a + 1, b) || (i !== undefined && within(o, i) && covers(a, b + 1));
    } else if (i === undefined) result = false;
    else if (o.t === 'any') {
      result = !(i.t === 'any' && i.star) && i.t !== 'var' && within(o, i) && covers(a + 1, b + 1);
    } else if (o.t === 'lit') result = i.t === 'lit' && i.c === o.c && covers(a + 1, b + 1);
    else result = i.t === 'var' && i.name === o.name && covers(a + 1, b + 1);
    memo[slot] = result ? 1 : -1;
    return result;
  };
  return covers(0, 0);
}
