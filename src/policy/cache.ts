/**
 * The policy engine's caches, in one place: every memo of src/policy and of the policy rules is a BoundedCache
 * with its limit below, evicts the least recently used tenth when full (a long replay keeps its hot patterns
 * instead of losing everything at once), and is emptied by one clearPolicyCaches(). Keys come from policies,
 * which are attacker-controlled: every cache must be bounded.
 */

/** Entries each cache keeps. Sized so a replay of a few thousand distinct documents stays warm (a few MB). */
export const CACHE_LIMITS = {
  /** Action pattern → ActionSet (`s3:Get*`), catalogue.ts. */
  actionSets: 5_000,
  /** Action pattern list → its union, catalogue.ts. */
  actionLists: 5_000,
  /** Glob → RegExp, glob.ts. */
  regexes: 10_000,
  /** Resource pattern → compiled tokens, per reading mode. */
  compiledPatterns: 20_000,
  /** Resource questions (grant vs baseline) → their answer. */
  verdicts: 50_000,
  /** Resource types of an action → their compiled ARN templates. */
  requestSpaces: 5_000,
  /** ARN template of the catalogue → compiled, per partition (2,347 templates in iam-data 0.21). */
  templates: 20_000,
  /** (role, document text) → the rule layer's analysis, per baseline. */
  analyses: 2_000,
} as const;

let epoch = 0;

/**
 * A Map that keeps at most `limit` entries, dropping the least recently used when full. Emptied when clearPolicyCaches()
 * runs, also when held somewhere it cannot see (a WeakMap keyed by baseline): it checks the epoch on use.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; used: number }>();
  private clock = 0;
  private seen = epoch;

  /**
   * `derivedFromCatalogue`: what it holds is a function of the action catalogue alone (compiled ARN templates),
   * so it lives as long as the loaded catalogue and a clear leaves it, as it leaves the catalogue.
   */
  constructor(
    readonly limit: number,
    private readonly options: { readonly derivedFromCatalogue?: boolean } = {},
  ) {}

  private fresh(): Map<K, { value: V; used: number }> {
    if (this.seen !== epoch && !this.options.derivedFromCatalogue) {
      this.entries.clear();
      this.seen = epoch;
    }
    return this.entries;
  }

  get size(): number {
    return this.fresh().size;
  }

  get(key: K): V | undefined {
    const entry = this.fresh().get(key);
    if (entry === undefined) return undefined;
    // A hit only stamps the entry (no re-insertion: a replay looks up the same keys hundreds of thousands
    // of times); the stamps decide what goes when the cache is full.
    entry.used = ++this.clock;
    return entry.value;
  }

  set(key: K, value: V): void {
    const entries = this.fresh();
    entries.set(key, { value, used: ++this.clock });
    if (entries.size > this.limit) this.evict(entries);
  }

  /** Drops the least recently used tenth at once (at least one entry), so eviction costs little per insert. */
  private evict(entries: Map<K, { value: V; used: number }>): void {
    const drop = Math.max(1, Math.floor(this.limit / 10));
    const stamps = [...entries.values()].map((entry) => entry.used).sort((a, b) => a - b);
    const cutoff = stamps[drop - 1] ?? 0;
    for (const [key, entry] of entries) if (entry.used <= cutoff) entries.delete(key);
  }

  /** The cached value, or `compute()` stored and returned. */
  getOrSet(key: K, compute: () => V): V {
    const known = this.get(key);
    if (known !== undefined) return known;
    const value = compute();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Forgets every cached expansion, compiled pattern and decision (benchmarks measure cold runs with it). */
export function clearPolicyCaches(): void {
  epoch++;
}
