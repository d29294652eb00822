/**
 * The envelope comparison, second job: decide. One resource item of a document statement, for one group of
 * actions (same resource types, same envelope statements), against the envelope: covered, or a witness with
 * the reason and any caveat. First by the Allows that may cover it (those whose Condition the statement
 * implies), then by each Deny that may take it away.
 */
import { conditionImplies } from './conditions.ts';
import type { NormalizedStatement } from './parse.ts';
import type { LanguageRef, Prepared, PreparedEnvelope, ResourceItem } from './prepare.ts';
import { languageOf, search } from './prepare.ts';
import type { SearchResult } from './resourceMatch.ts';
import { findResource, patternCovers, patternsDisjoint } from './resourceMatch.ts';

export interface GroupContext {
  readonly space: LanguageRef;
  readonly eligible: readonly Prepared[];
  readonly blocked: readonly Prepared[];
  readonly denies: readonly Prepared[];
  readonly ownDenies: readonly Prepared[];
}

export type Verdict =
  | { readonly covered: true }
  | {
      readonly covered: false;
      readonly example?: string;
      readonly reason: string;
      readonly conservative?: string;
    };

function keys(refs: readonly { language: LanguageRef }[]): string {
  return refs.map((r) => r.language.key).join('\u0003');
}

/**
 * Whether every resource `inner` lists is within what `outer` lists, both read as written (a variable is the
 * same unknown value on both sides). For NotResource against NotResource: excluding more grants less.
 */
function listedWithin(inner: readonly string[], outer: readonly string[], variables: boolean): boolean {
  if (inner.every((p) => outer.includes(p))) return true;
  const rest = languageOf(outer, false, 'under', variables);
  return inner.every((pattern) => {
    const one = languageOf([pattern], false, 'gen', variables);
    return (
      search(`L|${one.key}|${rest.key}`, () =>
        findResource({ all: [one.language], none: [rest.language], any: [] }),
      ).kind === 'empty'
    );
  });
}

/** True when the item's single pattern provably names no resource the action can be requested on. */
function outOfReach(item: ResourceItem, ctx: GroupContext): boolean {
  const tokens = item.gen.language.patterns[0]?.tokens;
  if (item.gen.language.negated || !tokens) return false;
  return ctx.space.language.patterns.every((space) => patternsDisjoint(space.tokens, tokens));
}

function uncoveredBy(item: ResourceItem, ctx: GroupContext, allows: readonly Prepared[]): SearchResult {
  if (outOfReach(item, ctx)) return { kind: 'empty' };
  // NotResource within a NotResource that excludes no more: decided on what they exclude, variables and all.
  if (item.single === null) {
    const excluded = item.gen.language.patterns.map((p) => p.source);
    const within = allows.some(
      (allow) =>
        allow.source.resources.negated &&
        allow.variables === item.variables &&
        listedWithin(allow.source.resources.patterns, excluded, item.variables),
    );
    if (within) return { kind: 'empty' };
  }
  const ownDenies = ctx.ownDenies.filter((d) => d.source.condition === null);
  if (!item.gen.language.negated && ownDenies.length === 0) {
    const tokens = item.gen.language.patterns[0]?.tokens ?? [];
    const shown = allows.some(
      (allow) =>
        !allow.language.language.negated &&
        allow.language.language.patterns.some((pattern) => patternCovers(pattern.tokens, tokens)),
    );
    if (shown) return { kind: 'empty' };
    // `*` against no baseline statement at all: every requestable resource is new; no need to search.
    if (allows.length === 0 && item.single === '*') return { kind: 'witness', example: '*' };
  }
  const key = `1|${ctx.space.key}|${item.gen.key}|${keys(ownDenies)}|${keys(allows)}`;
  return search(key, () =>
    findResource({
      all: [ctx.space.language, item.gen.language],
      none: [...ownDenies, ...allows].map((p) => p.language.language),
      any: [],
    }),
  );
}

function deniedBy(
  item: ResourceItem,
  ctx: GroupContext,
  deny: Prepared,
  denyAsGrant: ReadonlyMap<Prepared, LanguageRef>,
): SearchResult {
  // A document Deny that applies whenever the baseline Deny does, to at least its resources, takes away what
  // the baseline takes away (same request, same variable values).
  if (outOfReach(item, ctx)) return { kind: 'empty' };
  const applicable = ctx.ownDenies.filter((own) =>
    conditionImplies(deny.source.condition, own.source.condition),
  );
  // The document repeats the baseline Deny (or a broader one): decided on the lists as written, variables and all.
  const repeated = applicable.some((own) => {
    const mine = own.source.resources;
    const theirs = deny.source.resources;
    if (mine.negated !== theirs.negated || own.variables !== deny.variables) return false;
    return theirs.negated
      ? listedWithin(mine.patterns, theirs.patterns, item.variables)
      : listedWithin(theirs.patterns, mine.patterns, item.variables);
  });
  if (repeated) return { kind: 'empty' };
  const grantView = denyAsGrant.get(deny);
  if (grantView) {
    for (const own of applicable) {
      const key = `N|${grantView.key}|${own.language.key}`;
      const result = search(key, () =>
        findResource({ all: [grantView.language], none: [own.language.language], any: [] }),
      );
      if (result.kind === 'empty') return { kind: 'empty' };
    }
  }
  const key = `2|${ctx.space.key}|${item.over.key}|${keys(applicable)}|${deny.language.key}`;
  return search(key, () =>
    findResource({
      all: [ctx.space.language, item.over.language],
      none: applicable.map((p) => p.language.language),
      any: [deny.language.language],
    }),
  );
}

const UNDECIDED =
  'the resource patterns are too intricate to compare within the search bound; counted as new';

export function decide(
  item: ResourceItem,
  ctx: GroupContext,
  envelope: PreparedEnvelope,
  statement: NormalizedStatement,
  /** What the envelope is, in the reasons: `baseline` (drift), `document` (policy diff, the other way). */
  envelopeName = 'baseline',
): Verdict {
  const conditioned = statement.condition !== null;
  const conditionNote = conditioned
    ? `${statement.path} has a Condition; it was counted as granting everything it lists`
    : undefined;
  const first = uncoveredBy(item, ctx, ctx.eligible);
  if (first.kind !== 'empty') {
    let conservative = first.kind === 'undecided' ? UNDECIDED : conditionNote;
    if (
      ctx.blocked.length > 0 &&
      uncoveredBy(item, ctx, [...ctx.eligible, ...ctx.blocked]).kind === 'empty'
    ) {
      const paths = ctx.blocked.map((b) => b.source.path).join(', ');
      conservative = `${paths} would cover it, but only under a Condition that ${statement.path} does not impose (the same or a stricter one)`;
    }
    const reason =
      ctx.eligible.length > 0
        ? `the ${envelopeName} allows this action only on other resources`
        : ctx.blocked.length > 0
          ? `the ${envelopeName} allows this action only under a Condition`
          : `no ${envelopeName} statement allows this action`;
    return {
      covered: false,
      reason,
      ...(first.kind === 'witness' && item.single !== first.example ? { example: first.example } : {}),
      ...(conservative ? { conservative } : {}),
    };
  }
  for (const deny of ctx.denies) {
    const second = deniedBy(item, ctx, deny, envelope.denyAsGrant);
    if (second.kind === 'empty') continue;
    const denyConditioned = deny.source.condition !== null;
    const conservative =
      second.kind === 'undecided'
        ? UNDECIDED
        : denyConditioned
          ? `${deny.source.path} denies only under its Condition; it was counted as always applying`
          : conditionNote;
    return {
      covered: false,
      reason: `the ${envelopeName} denies it (${deny.source.path})`,
      ...(second.kind === 'witness' && item.single !== second.example ? { example: second.example } : {}),
      ...(conservative ? { conservative } : {}),
    };
  }
  return { covered: true };
}
