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
/** States the plain first search may visit before the steered one takes over. */
const PLAIN_BUDGET = 64;
/** Pairs of granting patterns tried for a common resource before any product search. */
const MAX_PAIR_SAMPLES = 256;
const PLACEHOLDERS = 'xyzqkjw0123456789';

interface Nfa {
  readonly tokens: readonly Token[];
  readonly closure: readonly (readonly number[])[];
  readonly universalFrom: readonly boolean[];
  /** How many symbols, at least, a match still needs from each position: what the search steers by. */
  readonly remaining: readonly number[];
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
  const remaining: number[] = new Array(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const token = tokens[i] as Token;
    remaining[i] = (remaining[i + 1] as number) + (token.t === 'any' && token.star ? 0 : 1);
  }
  return { tokens, closure, universalFrom, remaining, moves: alphabet.map(() => new Array(n + 1)) };
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

/**
 * Work done by findResource since the last reset: how many searches ran and how many product states they
 * visited. Tests bound the work a statement shape costs with it, instead of timing anything.
 */
export const resourceSearchWork = { searches: 0, states: 0 };

export function resetResourceSearchWork(): void {
  resourceSearchWork.searches = 0;
  resourceSearchWork.states = 0;
}

/**
 * A resource satisfying the query (short and readable, not always the shortest), or proof that there is none.
 *
 * The cost is kept to the size of the patterns, not their product: patterns that share no resource with a
 * positive all-language are dropped first (they can never match a resource the query asks for), and a
 * positive all-language of several patterns (the ARN formats of an action's resource types, 45 for
 * apigateway:GET) is searched one pattern at a time, so the product never holds two alternatives at once.
 */
export function findResource(query: ResourceQuery): SearchResult {
  return find(query, false);
}

function find(query: ResourceQuery, sampled: boolean): SearchResult {
  const pruned = prune(query);
  if (pruned === null) return { kind: 'empty' };
  // One excluded pattern covering a granting one settles it: nothing the question asks for is left (an
  // envelope's `/apis/*/models` and the template `/apis/${ApiId}/models`), no product needed.
  const covered = pruned.all.some(
    (language) =>
      !language.negated &&
      language.patterns.length === 1 &&
      pruned.none.some(
        (excluded) =>
          !excluded.negated &&
          excluded.patterns.some((q) =>
            patternCovers(q.tokens, (language.patterns[0] as CompiledPattern).tokens),
          ),
      ),
  );
  if (covered) return { kind: 'empty' };
  // Every alternative's sample before any search: the example is then a real-looking ARN, found in as many
  // steps as it has characters.
  if (!sampled) {
    const sample = trySamples(pruned);
    if (sample) return sample;
  }
  const union = pruned.all.find((language) => !language.negated && language.patterns.length > 1);
  if (!union) return searchProduct(pruned);
  let undecided = false;
  for (const pattern of union.patterns) {
    const one: Language = { negated: false, patterns: [pattern] };
    const result = find({ ...pruned, all: pruned.all.map((l) => (l === union ? one : l)) }, true);
    if (result.kind === 'witness') return result;
    if (result.kind === 'undecided') undecided = true;
  }
  return undecided ? { kind: 'undecided' } : { kind: 'empty' };
}

/**
 * Live position lists of `accepts`, and a stamp per position saying which list holds it: reused by every call
 * (it runs for each sample of each search; lists allocated per symbol were a large share of a comparison's
 * garbage).
 */
let liveCurrent = new Int32Array(64);
let liveNext = new Int32Array(64);
let liveMark = new Uint32Array(64);
let liveStamp = 0;

function nextStamp(): number {
  liveStamp++;
  if (liveStamp === 0xffffffff) {
    liveMark.fill(0);
    liveStamp = 1;
  }
  return liveStamp;
}

/** Whether a pattern matches one resource (symbols): the live positions stepped along it, ending at the first miss. */
function accepts(tokens: readonly Token[], symbols: readonly string[]): boolean {
  const n = tokens.length;
  if (liveMark.length < n + 1) {
    const size = Math.max(n + 1, liveMark.length * 2);
    liveCurrent = new Int32Array(size);
    liveNext = new Int32Array(size);
    liveMark = new Uint32Array(size);
    liveStamp = 0;
  }
  const mark = liveMark;
  const isStar = (i: number): boolean => {
    const token = tokens[i];
    return token !== undefined && token.t === 'any' && token.star;
  };
  // A star may match nothing: reaching it reaches what follows. Returns the list's new length.
  const add = (list: Int32Array, length: number, position: number, stamp: number): number => {
    let count = length;
    for (let p = position; ; p++) {
      if (mark[p] !== stamp) {
        mark[p] = stamp;
        list[count++] = p;
      }
      if (!isStar(p)) return count;
    }
  };
  let current = liveCurrent;
  let next = liveNext;
  let stamp = nextStamp();
  let length = add(current, 0, 0, stamp);
  for (const symbol of symbols) {
    const nextStampValue = nextStamp();
    let nextLength = 0;
    for (let k = 0; k < length; k++) {
      const position = current[k] as number;
      const token = tokens[position];
      if (token === undefined || !tokenMatches(token, symbol)) continue;
      nextLength = add(next, nextLength, isStar(position) ? position : position + 1, nextStampValue);
    }
    if (nextLength === 0) return false;
    [current, next] = [next, current];
    length = nextLength;
    stamp = nextStampValue;
  }
  return mark[n] === stamp;
}

/**
 * Resources worth checking before any search, each checked pattern by pattern (no product): a template's
 * real-looking ARN (`${Region}` as `us-east-1`), a pattern with its wildcards filled, and a resource two
 * granting patterns share (a template of the action's type and the statement's pattern, found on the two
 * alone: `arn:aws:sagemaker:x:x:endpoint/xCanvas` for `*Canvas*`). Null when none answers the query.
 */
function trySamples(query: ResourceQuery): SearchResult | null {
  const answers = (symbols: readonly string[]): boolean => {
    const matches = (language: Language): boolean => {
      const matched = language.patterns.some((pattern) => accepts(pattern.tokens, symbols));
      return language.negated ? !matched : matched;
    };
    return (
      query.all.every(matches) &&
      !query.none.some(matches) &&
      (query.any.length === 0 || query.any.some(matches))
    );
  };
  const positive = query.all.filter((language) => !language.negated);
  const render = (symbols: readonly string[]): SearchResult => ({
    kind: 'witness',
    example: renderSymbols(symbols, collectAlphabet(query)),
  });
  for (const language of positive) {
    for (const pattern of language.patterns) {
      if (pattern.sample !== undefined) {
        if (answers([...pattern.sample])) return { kind: 'witness', example: pattern.sample };
        continue;
      }
      const filled = pattern.tokens.map((token) =>
        token.t === 'lit' ? token.c : token.t === 'var' ? VAR_PREFIX + token.name : OTHER,
      );
      if (answers(filled)) return render(filled);
    }
  }
  if (positive.length === 2) {
    const [first, second] = positive as [Language, Language];
    let tried = 0;
    for (const a of first.patterns) {
      for (const b of second.patterns) {
        if (tried++ >= MAX_PAIR_SAMPLES) return null;
        const common = commonResource(a.tokens, b.tokens);
        if (common && answers(common)) return render(common);
      }
    }
  }
  return null;
}

/**
 * The query without the patterns that share no resource with some positive all-language: on every resource
 * the query can answer with, they match nothing, so dropping them changes no answer. Null when a positive
 * all-language is left with no pattern (nothing satisfies the query).
 */
function prune(query: ResourceQuery): ResourceQuery | null {
  const positive = query.all.filter((language) => !language.negated);
  if (positive.length === 0) return query;
  const keep = (language: Language): Language => {
    const patterns = language.patterns.filter((pattern) =>
      positive.every(
        (other) =>
          other === language || other.patterns.some((p) => patternsIntersect(p.tokens, pattern.tokens)),
      ),
    );
    return patterns.length === language.patterns.length ? language : { ...language, patterns };
  };
  const all = query.all.map(keep);
  if (all.some((language) => !language.negated && language.patterns.length === 0)) return null;
  return { all, none: query.none.map(keep), any: query.any.map(keep) };
}

function searchProduct(query: ResourceQuery): SearchResult {
  resourceSearchWork.searches++;
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
  // The all-languages' NFAs first: most symbols kill the granting pattern at once, and then nothing else runs.
  const allIndices = all.flatMap((s) => s.nfaIndices);
  const restIndices = nfas.map((_, i) => i).filter((i) => !allIndices.includes(i));
  // A step in two halves: the all-languages' NFAs first (most symbols kill the granting pattern at once, and
  // their positions alone tell how far a match is), the others only for a step the search takes.
  const stepAll = (sets: readonly number[][], symbolIndex: number): number[][] | null => {
    const symbol = alphabet[symbolIndex] as string;
    const stepped: number[][] = new Array(nfas.length);
    for (const index of allIndices)
      stepped[index] = stepSet(nfas[index] as Nfa, sets[index] as number[], symbolIndex, symbol);
    for (const s of all) if (status(s, stepped) === 'reject-all') return null;
    return stepped;
  };
  const stepRest = (
    sets: readonly number[][],
    stepped: number[][],
    symbolIndex: number,
  ): number[][] | null => {
    const symbol = alphabet[symbolIndex] as string;
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
  // Depth first, twice at most. First plain, "any other character" tried first, within a small budget: a
  // witness then reads `bucket-x/x`, and proving there is none of a simple question ends there. Then steered:
  // from each state the successors that bring the granting patterns closest to their end come first, so a
  // witness is found in about as many steps as it has characters however many patterns run in lock-step;
  // proving there is none visits every reachable state once.
  const distance = (sets: readonly (readonly number[])[]): number => {
    let total = 0;
    for (const s of all) {
      if (s.language.negated) continue;
      let best = Number.POSITIVE_INFINITY;
      for (const index of s.nfaIndices) {
        const nfa = nfas[index] as Nfa;
        for (const position of sets[index] as readonly number[])
          best = Math.min(best, nfa.remaining[position] as number);
      }
      total += best;
    }
    return total;
  };
  type Step = { readonly symbol: number; readonly partial: number[][]; readonly distance: number };
  const steps = (sets: number[][], steered: boolean): Step[] => {
    const list: Step[] = [];
    for (const symbol of candidates(sets)) {
      const partial = stepAll(sets, symbol);
      if (partial) list.push({ symbol, partial, distance: steered ? distance(partial) : 0 });
    }
    return steered ? list.sort((a, b) => a.distance - b.distance || a.symbol - b.symbol) : list;
  };
  if (satisfied(start)) return { kind: 'witness', example: '' };
  const explore = (steered: boolean, limit: number): SearchResult | 'over-budget' => {
    parents.clear();
    parents.set(startKey, { parent: null, symbol: -1 });
    const stack: { key: string; sets: number[][]; steps: Step[]; next: number }[] = [
      { key: startKey, sets: start, steps: steps(start, steered), next: 0 },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.next >= top.steps.length) {
        stack.pop();
        continue;
      }
      const step = top.steps[top.next++] as Step;
      const stepped = stepRest(top.sets, step.partial, step.symbol);
      if (!stepped) continue;
      const steppedKey = keyOf(stepped);
      if (parents.has(steppedKey)) continue;
      parents.set(steppedKey, { parent: top.key, symbol: step.symbol });
      resourceSearchWork.states++;
      if (satisfied(stepped)) return { kind: 'witness', example: render(steppedKey, parents, alphabet) };
      if (parents.size > limit) return steered ? { kind: 'undecided' } : 'over-budget';
      stack.push({ key: steppedKey, sets: stepped, steps: steps(stepped, steered), next: 0 });
    }
    return { kind: 'empty' };
  };
  const plain = explore(false, PLAIN_BUDGET);
  return plain !== 'over-budget' ? plain : (explore(true, MAX_STATES) as SearchResult);
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
  return renderSymbols(symbols.reverse(), alphabet);
}

/** Symbols as text: "any other character" as a letter no pattern names, a variable as `${name}`. */
function renderSymbols(symbols: readonly string[], alphabet: readonly string[]): string {
  const used = new Set(alphabet);
  const placeholder = [...PLACEHOLDERS].find((c) => !used.has(c)) ?? '_';
  return symbols
    .map((symbol) =>
      symbol === OTHER ? placeholder : symbol.startsWith(VAR_PREFIX) ? `\${${symbol.slice(1)}}` : symbol,
    )
    .join('');
}

/**
 * Cheap sufficient test that two patterns share no resource: their literal beginnings disagree
 * (`arn:aws:s3:::…` against `arn:aws:lambda:…`), or their literal endings do (`…document/AWS-*` against
 * `…parameter/x`). False means "not shown". Token by token, allocating nothing: a statement's patterns are
 * checked pairwise.
 */
export function patternsDisjoint(a: readonly Token[], b: readonly Token[]): boolean {
  let i = 0;
  for (; i < a.length && i < b.length; i++) {
    const x = a[i] as Token;
    const y = b[i] as Token;
    if (x.t !== 'lit' || y.t !== 'lit') break;
    if (x.c !== y.c) return true;
  }
  // One pattern is all literal and shorter than the other's literal beginning.
  if (i === a.length && i < b.length && b[i]?.t === 'lit') return true;
  if (i === b.length && i < a.length && a[i]?.t === 'lit') return true;
  for (let j = 1; j <= a.length && j <= b.length; j++) {
    const x = a[a.length - j] as Token;
    const y = b[b.length - j] as Token;
    if (x.t !== 'lit' || y.t !== 'lit') break;
    if (x.c !== y.c) return true;
  }
  return false;
}

/**
 * One resource a pattern matches, as literal tokens: each wildcard filled with "any other character" (a
 * character no pattern names), each variable kept. patternsIntersect with it is a membership test.
 */
export function sampleTokens(tokens: readonly Token[]): Token[] {
  return tokens.flatMap((token): Token[] =>
    token.t === 'any' ? (token.star ? [] : [{ t: 'lit', c: OTHER }]) : [token],
  );
}

/** Two tokens can consume one same symbol. Every wildcard accepts "any other character", so two always can. */
function tokensMeet(a: Token, b: Token): boolean {
  if (a.t === 'any' && b.t === 'any') return true;
  if (a.t === 'any') return b.t === 'lit' ? !a.excl.includes(b.c) : a.vars;
  if (b.t === 'any') return a.t === 'lit' ? !b.excl.includes(a.c) : b.vars;
  if (a.t === 'lit') return b.t === 'lit' && a.c === b.c;
  return b.t === 'var' && a.name === b.name;
}

type PairMemo = WeakMap<readonly Token[], WeakMap<readonly Token[], boolean>>;

/** A verdict on two compiled patterns, remembered as long as both are alive. */
function memoPair(memo: PairMemo, a: readonly Token[], b: readonly Token[], compute: () => boolean): boolean {
  let row = memo.get(a);
  if (!row) {
    row = new WeakMap();
    memo.set(a, row);
  }
  const known = row.get(b);
  if (known !== undefined) return known;
  const result = compute();
  row.set(b, result);
  return result;
}

const meetsMemo: PairMemo = new WeakMap();

/**
 * Whether some resource matches both patterns: exact, a reachability search over position pairs of the two
 * patterns (at most |a|·|b| of them), so it is cheap enough to run before every product search.
 */
export function patternsIntersect(a: readonly Token[], b: readonly Token[]): boolean {
  // Most pairs differ in a literal head or tail: answered without the search or a memo entry.
  if (patternsDisjoint(a, b)) return false;
  return memoPair(meetsMemo, a, b, () => intersect(a, b));
}

/**
 * Position pairs visited by `intersect`, marked with the call's stamp: one buffer for every call, since a
 * search visits few of the |a|·|b| pairs and a statement's patterns are intersected pairwise (allocating and
 * zeroing a table per call was most of a comparison's garbage).
 */
let visited = new Uint32Array(4096);
let stamp = 0;

function intersect(a: readonly Token[], b: readonly Token[]): boolean {
  const width = b.length + 1;
  const size = (a.length + 1) * width;
  if (visited.length < size) {
    visited = new Uint32Array(Math.max(size, visited.length * 2));
    stamp = 0;
  }
  stamp++;
  if (stamp === 0xffffffff) {
    visited.fill(0);
    stamp = 1;
  }
  const mark = stamp;
  const seen = visited;
  const stack: number[] = [0];
  seen[0] = mark;
  let result = false;
  const push = (i: number, j: number): void => {
    const slot = i * width + j;
    if (seen[slot] !== mark) {
      seen[slot] = mark;
      stack.push(slot);
    }
  };
  while (stack.length > 0) {
    const slot = stack.pop() as number;
    const i = Math.floor(slot / width);
    const j = slot % width;
    if (i === a.length && j === b.length) {
      result = true;
      break;
    }
    const x = a[i];
    const y = b[j];
    // A star may match nothing.
    if (x?.t === 'any' && x.star) push(i + 1, j);
    if (y?.t === 'any' && y.star) push(i, j + 1);
    if (x && y && tokensMeet(x, y)) {
      push(x.t === 'any' && x.star ? i : i + 1, y.t === 'any' && y.star ? j : j + 1);
    }
  }
  return result;
}

/**
 * A shortest resource both patterns match, as symbols (a character, a variable, or "any other character"
 * where both sides are wildcards), or null when they share none. Breadth first over position pairs.
 */
export function commonResource(a: readonly Token[], b: readonly Token[]): string[] | null {
  const width = b.length + 1;
  const parent = new Int32Array((a.length + 1) * width).fill(-2);
  const emitted: (string | undefined)[] = new Array((a.length + 1) * width);
  const queue: number[] = [0];
  parent[0] = -1;
  const visit = (from: number, i: number, j: number, symbol: string | undefined): void => {
    const slot = i * width + j;
    if (parent[slot] !== -2) return;
    parent[slot] = from;
    emitted[slot] = symbol;
    queue.push(slot);
  };
  for (let head = 0; head < queue.length; head++) {
    const slot = queue[head] as number;
    const i = Math.floor(slot / width);
    const j = slot % width;
    if (i === a.length && j === b.length) {
      const symbols: string[] = [];
      for (let at = slot; at > 0; at = parent[at] as number) {
        const symbol = emitted[at];
        if (symbol !== undefined) symbols.push(symbol);
      }
      return symbols.reverse();
    }
    const x = a[i];
    const y = b[j];
    if (x?.t === 'any' && x.star) visit(slot, i + 1, j, undefined);
    if (y?.t === 'any' && y.star) visit(slot, i, j + 1, undefined);
    if (x && y && tokensMeet(x, y)) {
      const symbol =
        x.t === 'lit'
          ? x.c
          : y.t === 'lit'
            ? y.c
            : x.t === 'var'
              ? VAR_PREFIX + x.name
              : y.t === 'var'
                ? VAR_PREFIX + y.name
                : OTHER;
      visit(slot, x.t === 'any' && x.star ? i : i + 1, y.t === 'any' && y.star ? j : j + 1, symbol);
    }
  }
  return null;
}

/**
 * Cheap sufficient test that `outer` covers `inner` (every resource `inner` matches, `outer` matches), read
 * pairwise on tokens. False means "not shown", and the caller falls back to findResource.
 */
const coversMemo: PairMemo = new WeakMap();

export function patternCovers(outer: readonly Token[], inner: readonly Token[]): boolean {
  return memoPair(coversMemo, outer, inner, () => computeCovers(outer, inner));
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
