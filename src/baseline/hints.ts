/**
 * Hints for the mistakes people make writing a baseline by hand, added to the schema's reasons: a key in the
 * wrong case (`effect:`), a near-miss (`permisions:`), a value written as a key (`enforce: true`), a bare
 * string where an entry is a mapping (`- svc-ci-*` instead of `- name: svc-ci-*`), a value in the wrong case
 * (`Effect: allow`). The schema is read from the zod definitions themselves, so a hint can never name a key
 * the schema does not have.
 */
import type * as z from 'zod/mini';
import { BaselineSchema } from './schema.ts';

type Def = {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodMiniType>>;
  readonly innerType?: z.ZodMiniType;
  readonly valueType?: z.ZodMiniType;
  readonly element?: z.ZodMiniType;
  readonly options?: readonly z.ZodMiniType[];
  readonly entries?: Readonly<Record<string, string>>;
  readonly values?: readonly unknown[];
};

function defOf(schema: z.ZodMiniType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Through defaults, optionals and unions (the first branch that is a mapping or list), to the schema's shape. */
function unwrap(schema: z.ZodMiniType): Def {
  let def = defOf(schema);
  for (;;) {
    if ((def.type === 'default' || def.type === 'optional' || def.type === 'nullable') && def.innerType) {
      def = defOf(def.innerType);
    } else if (def.type === 'union' && def.options) {
      const structured = def.options.map(defOf).find((d) => d.type === 'object' || d.type === 'array');
      if (!structured) return def;
      def = structured;
    } else return def;
  }
}

/** What load.ts asks for, when given hints. */
export interface BaselineHints {
  unknownKey(
    parent: readonly PropertyKey[],
    key: string,
  ): { readonly hint: string; readonly meant?: string } | undefined;
  value(path: readonly PropertyKey[], value: unknown): string | undefined;
}

/** The schema at a path of the raw document (keys of records and list indexes step into their values). */
export function schemaAt(path: readonly PropertyKey[]): Def | undefined {
  let def = unwrap(BaselineSchema as unknown as z.ZodMiniType);
  for (const step of path) {
    const next =
      def.type === 'object' && typeof step === 'string'
        ? def.shape?.[step]
        : def.type === 'record'
          ? def.valueType
          : def.type === 'array'
            ? def.element
            : undefined;
    if (!next) return undefined;
    def = unwrap(next);
  }
  return def;
}

/** The allowed values of an enum or literal schema. */
function valuesOf(def: Def): string[] {
  if (def.type === 'enum' && def.entries) return Object.values(def.entries);
  if (def.type === 'literal' && def.values) return def.values.map(String);
  return [];
}

/** Edit distance counting a swap of neighbours as one edit (`imsd` → `imds`); small strings only. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate a typo most likely meant: same letters in another case, else one or two edits away. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    const allowed = Math.min(2, Math.floor(Math.max(candidate.length, word.length) / 3));
    if (d <= allowed && (!best || d < best.distance)) best = { candidate, distance: d };
  }
  return best?.candidate;
}

/**
 * The hint for an unknown key `key` inside the mapping at `parent`, and the known key it stands for when it is
 * that key in the wrong case or misspelt (so a "missing" report for the known key can be dropped).
 */
export function unknownKeyHint(
  parent: readonly PropertyKey[],
  key: string,
): { readonly hint: string; readonly meant?: string } | undefined {
  const def = schemaAt(parent);
  if (def?.type !== 'object' || !def.shape) return undefined;
  const known = Object.keys(def.shape);
  const meant = closest(key, known);
  if (meant) {
    return meant.toLowerCase() === key.toLowerCase()
      ? { hint: `keys are case-sensitive: did you mean \`${meant}\`?`, meant }
      : { hint: `did you mean \`${meant}\`?`, meant };
  }
  // A value written as a key (`enforce: true`): name the key it belongs under.
  for (const [name, child] of Object.entries(def.shape)) {
    const value = closest(key, valuesOf(unwrap(child)));
    if (value) return { hint: `\`${value}\` is a value of \`${name}\`: write \`${name}: ${value}\`` };
  }
  return undefined;
}

/** A hint for a value of the wrong type or outside its allowed set, from what was written. */
export function valueHint(path: readonly PropertyKey[], value: unknown): string | undefined {
  const def = schemaAt(path);
  if (!def) return undefined;
  if (typeof value === 'string') {
    const allowed = valuesOf(def);
    const meant = allowed.length > 0 ? closest(value, allowed) : undefined;
    if (meant && meant !== value) return `did you mean \`${meant}\`?`;
    const entry = def.type === 'array' && def.element ? unwrap(def.element) : def;
    const list = def.type === 'array';
    if (entry.type === 'object' && entry.shape) {
      const one = /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
      if ('name' in entry.shape) {
        return list
          ? `each entry is a mapping: write \`- name: ${one}\` on the line below`
          : `each entry is a mapping: write \`- name: ${one}\``;
      }
      if ('Effect' in entry.shape) {
        return 'each statement is a mapping: write `- Effect: Allow` with `Action:` and `Resource:` below it';
      }
    }
  }
  if (def.type === 'array' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return 'expected a list: start each entry with `- `';
  }
  if (def.type === 'record' && Array.isArray(value)) {
    return 'expected a mapping by name: write `NAME:` then its settings, without `- `';
  }
  return undefined;
}

/** The hints, as load.ts takes them. */
export const BASELINE_HINTS: BaselineHints = { unknownKey: unknownKeyHint, value: valueHint };
