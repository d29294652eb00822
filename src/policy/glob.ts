/**
 * IAM-style wildcards: `*` matches any run of characters (including none), `?` exactly one. Nothing else is
 * special. Action names compare case-insensitively; ARNs are case-sensitive.
 */

import { BoundedCache, CACHE_LIMITS } from './cache.ts';

const regexCache = new BoundedCache<string, RegExp>(CACHE_LIMITS.regexes);

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function globToRegExp(pattern: string, caseInsensitive = false): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}:${pattern}`;
  let re = regexCache.get(key);
  if (!re) {
    let source = '';
    for (const ch of pattern) {
      if (ch === '*') source += '[\\s\\S]*';
      else if (ch === '?') source += '[\\s\\S]';
      else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
    regexCache.set(key, re);
  }
  return re;
}

export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
  if (!hasWildcard(pattern)) {
    return caseInsensitive ? pattern.toLowerCase() === value.toLowerCase() : pattern === value;
  }
  return globToRegExp(pattern, caseInsensitive).test(value);
}

/**
 * Whether every string matched by `inner` is matched by `outer` (pattern subsumption). Sound: it never says
 * yes when some string matched by `inner` escapes `outer`. Both may contain wildcards.
 */
export function globCovers(outer: string, inner: string, caseInsensitive = false): boolean {
  const o = caseInsensitive ? outer.toLowerCase() : outer;
  const i = caseInsensitive ? inner.toLowerCase() : inner;
  if (!hasWildcard(i)) return globMatch(o, i);
  if (o === i || o === '*') return true;
  const oc = [...o];
  const ic = [...i];
  // memo[a][b]: does outer[a..] cover inner[b..]?
  const memo = new Map<number, boolean>();
  const width = ic.length + 1;
  const covers = (a: number, b: number): boolean => {
    const key = a * width + b;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (a === oc.length) {
      result = b === ic.length;
    } else if (oc[a] === '*') {
      // outer `*` absorbs any number of inner tokens, wildcards included.
      result = covers(a + 1, b) || (b < ic.length && covers(a, b + 1));
    } else if (b === ic.length) {
      result = false;
    } else if (oc[a] === '?') {
      // outer `?` covers exactly one character: an inner literal or an inner `?`, never an inner `*`.
      result = ic[b] !== '*' && covers(a + 1, b + 1);
    } else {
      result = oc[a] === ic[b] && ic[b] !== '*' && ic[b] !== '?' && covers(a + 1, b + 1);
    }
    memo.set(key, result);
    return result;
  };
  return covers(0, 0);
}

/** Whether some string is matched by both patterns (used to decide whether a Deny can touch an Allow). */
export function globsIntersect(a: string, b: string, caseInsensitive = false): boolean {
  const x = [...(caseInsensitive ? a.toLowerCase() : a)];
  const y = [...(caseInsensitive ? b.toLowerCase() : b)];
  const memo = new Map<number, boolean>();
  const width = y.length + 1;
  const meet = (i: number, j: number): boolean => {
    const key = i * width + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === x.length && j === y.length) result = true;
    else if (i < x.length && x[i] === '*') result = meet(i + 1, j) || (j < y.length && meet(i, j + 1));
    else if (j < y.length && y[j] === '*') result = meet(i, j + 1) || (i < x.length && meet(i + 1, j));
    else if (i === x.length || j === y.length) result = false;
    else result = (x[i] === '?' || y[j] === '?' || x[i] === y[j]) && meet(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return meet(0, 0);
}
