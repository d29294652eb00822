/**
 * The canonical form of a policy document (seed 004's `canonical_policy_doc`) and its hash (`policy_hash`):
 * documents that grant and deny the same get the same canonical JSON, whatever their statement order, Sids,
 * duplicates, string-or-list spelling, action case or statement grouping.
 *
 * How: every Action/Resource statement is split into (effect, condition, action, resources) atoms; each
 * action's resources are reduced to the patterns not covered by the others; an atom covered by another
 * (a broader action pattern, with resources covering its own, under the same or a weaker condition) is
 * dropped; the rest are regrouped, one statement per (effect, condition, resource list), actions sorted.
 * NotAction / NotResource statements are kept whole, their lists reduced the same way. Nothing here depends on
 * the action catalogue, so the hash of a document does not change when AWS adds actions.
 */
import { createHash } from 'node:crypto';
import { conditionImplies, conditionKey } from './conditions.ts';
import { minimalResources } from './envelope.ts';
import { globCovers } from './glob.ts';
import type { Effect, NormalizedCondition, NormalizedStatement, PolicyDocument } from './parse.ts';
import { findResource } from './resourceMatch.ts';
import { canonicalResource, compilePattern } from './resourcePattern.ts';

/** IAM reads a document without Version as 2008-10-17 (policy variables off). */
export const DEFAULT_POLICY_VERSION = '2008-10-17';

export interface CanonicalStatement {
  readonly Effect: Effect;
  readonly Action?: readonly string[];
  readonly NotAction?: readonly string[];
  readonly Resource?: readonly string[];
  readonly NotResource?: readonly string[];
  readonly Condition?: NormalizedCondition;
}

export interface CanonicalPolicy {
  readonly Version: string;
  readonly Statement: readonly CanonicalStatement[];
}

interface Atom {
  readonly effect: Effect;
  readonly condition: NormalizedCondition | null;
  readonly action: string;
  resources: string[];
}

/** Drops action patterns another pattern of the same list covers (`s3:getobject` beside `s3:get*`). */
function minimalActions(patterns: readonly string[]): string[] {
  const kept = [...new Set(patterns.map((p) => p.toLowerCase()))].sort();
  for (const pattern of [...kept]) {
    if (kept.some((other) => other !== pattern && globCovers(other, pattern, true))) {
      kept.splice(kept.indexOf(pattern), 1);
    }
  }
  return kept;
}

/** Whether the union of `outer` covers every resource of every pattern in `inner`. */
function resourcesCovered(inner: readonly string[], outer: readonly string[], variables: boolean): boolean {
  if (outer.includes('*')) return true;
  const none = { negated: false, patterns: outer.map((p) => compilePattern(p, 'under', variables)) };
  return inner.every(
    (pattern) =>
      outer.includes(pattern) ||
      findResource({
        all: [{ negated: false, patterns: [compilePattern(pattern, 'gen', variables)] }],
        none: [none],
        any: [],
      }).kind === 'empty',
  );
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Condition with operators and keys in code-unit order: the same text on every machine, whatever its locale. */
function canonicalCondition(condition: NormalizedCondition | null): NormalizedCondition | null {
  if (condition === null) return null;
  return Object.fromEntries(
    Object.keys(condition)
      .sort(byCodeUnit)
      .map((operator) => {
        const keys = condition[operator] ?? {};
        return [
          operator,
          Object.fromEntries(
            Object.keys(keys)
              .sort(byCodeUnit)
              .map((k) => [k, keys[k] ?? []]),
          ),
        ];
      }),
  );
}

function statementOf(
  effect: Effect,
  actionKey: 'Action' | 'NotAction',
  actions: readonly string[],
  resourceKey: 'Resource' | 'NotResource',
  resources: readonly string[],
  condition: NormalizedCondition | null,
): CanonicalStatement {
  return {
    Effect: effect,
    [actionKey]: actions,
    [resourceKey]: resources,
    ...(condition ? { Condition: canonicalCondition(condition) } : {}),
  } as CanonicalStatement;
}

/** The canonical form of a parsed document. */
export function canonicalPolicy(doc: PolicyDocument): CanonicalPolicy {
  const version = doc.version ?? DEFAULT_POLICY_VERSION;
  const variables = version === '2012-10-17';
  const resourcesOf = (statement: NormalizedStatement): string[] =>
    minimalResources(
      [...new Set(statement.resources.patterns.map((p) => canonicalResource(p, variables)))].sort(),
      variables,
    );

  const statements: CanonicalStatement[] = [];
  const atoms: Atom[] = [];
  for (const statement of doc.statements) {
    if (statement.actions.negated || statement.resources.negated) {
      statements.push(
        statementOf(
          statement.effect,
          statement.actions.negated ? 'NotAction' : 'Action',
          minimalActions(statement.actions.patterns),
          statement.resources.negated ? 'NotResource' : 'Resource',
          resourcesOf(statement),
          statement.condition,
        ),
      );
      continue;
    }
    const resources = resourcesOf(statement);
    for (const action of minimalActions(statement.actions.patterns)) {
      atoms.push({ effect: statement.effect, condition: statement.condition, action, resources });
    }
  }

  // Merge atoms of the same (effect, condition, action), then reduce their resources.
  const merged = new Map<string, Atom>();
  for (const atom of atoms) {
    const key = `${atom.effect}\u0000${conditionKey(atom.condition)}\u0000${atom.action}`;
    const existing = merged.get(key);
    if (existing) existing.resources = [...new Set([...existing.resources, ...atom.resources])].sort();
    else merged.set(key, { ...atom, resources: [...atom.resources] });
  }
  const ordered = [...merged.entries()].sort(([a], [b]) => byCodeUnit(a, b)).map(([, atom]) => atom);
  for (const atom of ordered) atom.resources = minimalResources(atom.resources, variables);

  // Drop atoms another atom covers; in a fixed order, against the atoms still kept, so the result is stable.
  const kept = [...ordered];
  for (const atom of ordered) {
    const dominated = kept.some(
      (other) =>
        other !== atom &&
        other.effect === atom.effect &&
        conditionImplies(atom.condition, other.condition) &&
        globCovers(other.action, atom.action, true) &&
        resourcesCovered(atom.resources, other.resources, variables),
    );
    if (dominated) kept.splice(kept.indexOf(atom), 1);
  }

  // One statement per (effect, condition, resource list).
  const grouped = new Map<string, { atom: Atom; actions: string[] }>();
  for (const atom of kept) {
    const key = `${atom.effect}\u0000${conditionKey(atom.condition)}\u0000${atom.resources.join('\u0001')}`;
    const group = grouped.get(key);
    if (group) group.actions.push(atom.action);
    else grouped.set(key, { atom, actions: [atom.action] });
  }
  for (const { atom, actions } of grouped.values()) {
    statements.push(
      statementOf(atom.effect, 'Action', actions.sort(), 'Resource', atom.resources, atom.condition),
    );
  }

  const unique = new Map(statements.map((s) => [JSON.stringify(s), s]));
  return {
    Version: version,
    Statement: [...unique.entries()].sort(([a], [b]) => byCodeUnit(a, b)).map(([, s]) => s),
  };
}

/** The canonical JSON text: compact, keys in a fixed order. */
export function canonicalJson(doc: PolicyDocument): string {
  return JSON.stringify(canonicalPolicy(doc));
}

/** `sha256:` and the hex SHA-256 of the canonical JSON: equal for documents that mean the same. */
export function policyHash(doc: PolicyDocument): string {
  return `sha256:${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
}
