import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BoundedCache, CACHE_LIMITS, clearPolicyCaches } from '../../../src/policy/cache.ts';
import { actionSetOf } from '../../../src/policy/catalogue.ts';

describe('BoundedCache', () => {
  it('keeps at most its limit, dropping the least recently used', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('stores null values and computes a missing one once', () => {
    const cache = new BoundedCache<string, number | null>(10);
    let calls = 0;
    const compute = () => {
      calls++;
      return null;
    };
    expect(cache.getOrSet('k', compute)).toBeNull();
    expect(cache.getOrSet('k', compute)).toBeNull();
    expect(calls).toBe(1);
  });

  it('is emptied by clearPolicyCaches, wherever it is held', () => {
    const held = new WeakMap<object, BoundedCache<string, number>>();
    const owner = {};
    held.set(owner, new BoundedCache(10));
    held.get(owner)?.set('x', 1);
    const direct = new BoundedCache<string, number>(10);
    direct.set('y', 2);
    clearPolicyCaches();
    expect(held.get(owner)?.get('x')).toBeUndefined();
    expect(direct.size).toBe(0);
  });

  it('gives the engine a fresh start: an expansion is computed anew after a clear', () => {
    const before = actionSetOf('s3:Get*');
    expect(actionSetOf('s3:Get*')).toBe(before);
    clearPolicyCaches();
    const after = actionSetOf('s3:Get*');
    expect(after).not.toBe(before);
    expect(after?.count()).toBe(before?.count());
  });

  it('has one limit per cache, each a positive number', () => {
    for (const limit of Object.values(CACHE_LIMITS)) expect(limit).toBeGreaterThan(0);
  });
});

describe('the policy modules keep no cache of their own', () => {
  const files = [
    ...readdirSync(new URL('../../../src/policy/', import.meta.url))
      .filter((name) => name.endsWith('.ts') && name !== 'cache.ts')
      .map((name) => `src/policy/${name}`),
    'src/rules/policyAnalysis.ts',
  ];
  it.each(files)('%s: no empty module-level Map or Set to fill, no magic size limit', (file) => {
    const text = readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');
    expect(text).not.toMatch(/^(const|let) \w+ = new (Map|Set)(<[^;]*>)?\(\);/m);
    expect(text).not.toMatch(/\.size\s*[>=]+\s*[\d_]+\)\s*\w+\.clear\(\)/);
  });
});
