/**
 * A set of catalogue actions as a bitset over their catalogue index. `*` is ~22,000 actions: as bits it is
 * 2.8 KB and a union, intersection or subset test is a few hundred word operations, so statements can be
 * compared action set against action set instead of action by action.
 */

export class ActionSet {
  /** Words [lo, hi) hold every set bit: most sets are one service, a few words of ~700, so loops stay short. */
  private lo = -1;
  private hi = 0;

  private constructor(
    private readonly words: Uint32Array,
    readonly size: number,
  ) {}

  private bounds(): void {
    if (this.lo !== -1) return;
    let lo = 0;
    while (lo < this.words.length && this.words[lo] === 0) lo++;
    let hi = this.words.length;
    while (hi > lo && this.words[hi - 1] === 0) hi--;
    this.lo = lo;
    this.hi = hi;
  }

  static empty(size: number): ActionSet {
    return new ActionSet(new Uint32Array(Math.ceil(size / 32)), size);
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
    const set = ActionSet.empty(size);
    for (const i of indices) set.words[i >>> 5] = (set.words[i >>> 5] ?? 0) | (1 << (i & 31));
    return set;
  }

  /** The union of many sets in one pass (a statement may list hundreds of patterns: one array, not hundreds). */
  static unionOf(size: number, sets: readonly ActionSet[]): ActionSet {
    const out = ActionSet.empty(size);
    for (const set of sets) {
      set.bounds();
      for (let w = set.lo; w < set.hi; w++) out.words[w] = (out.words[w] ?? 0) | (set.words[w] ?? 0);
    }
    return out;
  }

  has(index: number): boolean {
    return (((this.words[index >>> 5] ?? 0) >>> (index & 31)) & 1) === 1;
  }

  private combine(other: ActionSet, op: (a: number, b: number) => number): ActionSet {
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = op(this.words[i] ?? 0, other.words[i] ?? 0);
    return new ActionSet(out, this.size);
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
    const out = new Uint32Array(this.words.length);
    for (let i = 0; i < out.length; i++) out[i] = ~(this.words[i] ?? 0);
    // Bits past `size` stay clear, so counts and iteration never see phantom actions.
    const tail = this.size & 31;
    if (tail !== 0 && out.length > 0) out[out.length - 1] = (out[out.length - 1] ?? 0) & ((1 << tail) - 1);
    return new ActionSet(out, this.size);
  }

  isEmpty(): boolean {
    for (const word of this.words) if (word !== 0) return false;
    return true;
  }

  intersects(other: ActionSet): boolean {
    for (let i = 0; i < this.words.length; i++)
      if (((this.words[i] ?? 0) & (other.words[i] ?? 0)) !== 0) return true;
    return false;
  }

  isSubsetOf(other: ActionSet): boolean {
    for (let i = 0; i < this.words.length; i++)
      if (((this.words[i] ?? 0) & ~(other.words[i] ?? 0)) !== 0) return false;
    return true;
  }

  /** Whether any index in [start, end) is in the set. */
  intersectsRange(start: number, end: number): boolean {
    for (let i = start; i < end; ) {
      const word = this.words[i >>> 5] ?? 0;
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
      let word = this.words[w] ?? 0;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * 32 + bit;
        word &= word - 1;
      }
    }
  }
}
