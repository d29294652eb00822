/**
 * A set of catalogue actions as a bitset over their catalogue index. `*` is ~22,000 actions: as bits it is
 * 2.8 KB and a union, intersection or subset test is a few hundred word operations, so statements can be
 * compared action set against action set instead of action by action. A set built from a few actions (one
 * pattern, usually one service) keeps only the words it spans: a policy listing 2,000 patterns allocates
 * 2,000 small arrays, not 2,000 copies of the whole catalogue.
 */

export class ActionSet {
  /** Words [lo, hi) (catalogue word indices) hold every set bit, found lazily: loops then stay short. */
  private lo = -1;
  private hi = 0;

  /** `words[i]` is catalogue word `base + i`; words outside are zero. */
  private constructor(
    private readonly words: Uint32Array,
    private readonly base: number,
    readonly size: number,
  ) {}

  private word(w: number): number {
    return this.words[w - this.base] ?? 0;
  }

  private get end(): number {
    return this.base + this.words.length;
  }

  private bounds(): void {
    if (this.lo !== -1) return;
    let lo = 0;
    while (lo < this.words.length && this.words[lo] === 0) lo++;
    let hi = this.words.length;
    while (hi > lo && this.words[hi - 1] === 0) hi--;
    this.lo = this.base + lo;
    this.hi = this.base + hi;
  }

  private static wordCount(size: number): number {
    return Math.ceil(size / 32);
  }

  static empty(size: number): ActionSet {
    return new ActionSet(new Uint32Array(ActionSet.wordCount(size)), 0, size);
  }

  static full(size: number): ActionSet {
    return ActionSet.range(size, 0, size);
  }

  /** Actions with index in [start, end). */
  static range(size: number, start: number, end: number): ActionSet {
    const set = ActionSet.empty(size);
    for (let i = start; i < end; i++) set.words[i >>> 5] = (set.words[i >>> 5] ?? 0) | (1 << (i & 31));
    return set;
  }

  static of(size: number, indices: Iterable<number>): ActionSet {
    const list = [...indices];
    if (list.length === 0) return new ActionSet(new Uint32Array(0), 0, size);
    let min = Number.POSITIVE_INFINITY;
    let max = -1;
    for (const i of list) {
      min = Math.min(min, i >>> 5);
      max = Math.max(max, i >>> 5);
    }
    const words = new Uint32Array(max - min + 1);
    for (const i of list) words[(i >>> 5) - min] = (words[(i >>> 5) - min] ?? 0) | (1 << (i & 31));
    return new ActionSet(words, min, size);
  }

  /** The union of many sets in one pass (a statement may list hundreds of patterns: one array, not hundreds). */
  static unionOf(size: number, sets: readonly ActionSet[]): ActionSet {
    const out = new Uint32Array(ActionSet.wordCount(size));
    for (const set of sets) {
      set.bounds();
      for (let w = set.lo; w < set.hi; w++) out[w] = (out[w] ?? 0) | set.word(w);
    }
    return new ActionSet(out, 0, size);
  }

  has(index: number): boolean {
    return ((this.word(index >>> 5) >>> (index & 31)) & 1) === 1;
  }

  private combine(other: ActionSet, op: (a: number, b: number) => number): ActionSet {
    const out = new Uint32Array(ActionSet.wordCount(this.size));
    for (let i = 0; i < out.length; i++) out[i] = op(this.word(i), other.word(i));
    return new ActionSet(out, 0, this.size);
  }

  union(other: ActionSet): ActionSet {
    return this.combine(other, (a, b) => a | b);
  }

  intersect(other: ActionSet): ActionSet {
    return this.combine(other, (a, b) => a & b);
  }

  minus(other: ActionSet): ActionSet {
    return this.combine(other, (a, b) => a & ~b);
  }

  complement(): ActionSet {
    const out = new Uint32Array(ActionSet.wordCount(this.size));
    for (let i = 0; i < out.length; i++) out[i] = ~this.word(i);
    // Bits past `size` stay clear, so counts and iteration never see phantom actions.
    const tail = this.size & 31;
    if (tail !== 0 && out.length > 0) out[out.length - 1] = (out[out.length - 1] ?? 0) & ((1 << tail) - 1);
    return new ActionSet(out, 0, this.size);
  }

  isEmpty(): boolean {
    for (const word of this.words) if (word !== 0) return false;
    return true;
  }

  intersects(other: ActionSet): boolean {
    const from = Math.max(this.base, other.base);
    const to = Math.min(this.end, other.end);
    for (let w = from; w < to; w++) if ((this.word(w) & other.word(w)) !== 0) return true;
    return false;
  }

  isSubsetOf(other: ActionSet): boolean {
    for (let w = this.base; w < this.end; w++) if ((this.word(w) & ~other.word(w)) !== 0) return false;
    return true;
  }

  /** Whether any index in [start, end) is in the set. */
  intersectsRange(start: number, end: number): boolean {
    for (let i = start; i < end; ) {
      const word = this.word(i >>> 5);
      if ((i & 31) === 0 && i + 32 <= end) {
        if (word !== 0) return true;
        i += 32;
      } else {
        if ((word >>> (i & 31)) & 1) return true;
        i++;
      }
    }
    return false;
  }

  count(): number {
    let n = 0;
    for (let word of this.words) {
      word = word - ((word >>> 1) & 0x55555555);
      word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
      n += (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return n;
  }

  *indices(): IterableIterator<number> {
    this.bounds();
    for (let w = this.lo; w < this.hi; w++) {
      let word = this.word(w);
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * 32 + bit;
        word &= word - 1;
      }
    }
  }
}
