/**
 * The facts a warm Lambda container keeps between events: immutable ones (a policy version's document) for
 * good, mutable ones (a default version, attachments, a group's policies) for `ttlMs`. Both are bounded (keys
 * come from events, which are attacker-controlled) and keep the in-flight promise, so concurrent questions share
 * one call; a failed call is forgotten at once, so the next event asks again.
 */

/** Entries each part keeps: a few hundred policies and principals cover an account's working set. */
export const FACT_CACHE_LIMIT = 1_000;

interface Entry {
  readonly value: Promise<unknown>;
  readonly expires: number;
}

export interface FactCacheOptions {
  readonly ttlMs: number;
  readonly limit?: number;
  readonly now?: () => number;
}

export class FactCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #limit: number;
  readonly #now: () => number;

  constructor(options: FactCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#limit = options.limit ?? FACT_CACHE_LIMIT;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Kept until evicted (least recently used first). */
  immutable<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.#get(`i ${key}`, Number.POSITIVE_INFINITY, load);
  }

  /** Kept for the TTL. */
  mutable<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.#get(`m ${key}`, this.#ttlMs, load);
  }

  #get<T>(key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) {
      // Map order is recency: a hit moves to the end.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = load();
    const entry: Entry = { value, expires: now + ttl };
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    while (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    return value;
  }
}
