/**
 * Does a policy document allow any request that a role's baseline envelope does not? Exact over the IAM action
 * catalogue and over resource patterns, sound where it cannot be exact (conditions, policy variables).
 *
 * A request is (action, resource, context). The document allows one when some Allow matches it and none of
 * its own Denies does; the envelope likewise with its Allows and Denies. The answer is every (action, resource
 * pattern) of the document for which a resource exists that the document allows and the envelope does not:
 * - actions are catalogue actions (a bitset each), grouped so that actions the same statements apply to, with
 *   the same resource types, are decided once; patterns naming no catalogue action are decided by pattern;
 * - resources are decided by resourceMatch.findResource, restricted to the ARNs the action's resource types can
 *   have (so `s3:GetObject` on a bucket ARN grants nothing, and bucket and object statements may be merged);
 * - a conditioned Allow of the document counts as its unconditioned self; a conditioned Allow of the envelope
 *   covers only grants whose condition is the same or stricter; a conditioned Deny of the envelope counts as
 *   always applying, unless the document carries a Deny that applies at least as often. Findings say so.
 */
import type { ActionSet } from './actionSet.ts';
import type { CatalogueAction } from './catalogue.ts';
import { actionCatalogue, actionSetOfPatterns, clearActionSetCaches } from './catalogue.ts';
import { conditionImplies } from './conditions.ts';
import { globCovers, globsIntersect } from './glob.ts';
import type { NormalizedStatement, PolicyDocument } from './parse.ts';
import type { Language, SearchResult } from './resourceMatch.ts';
import { findResource, patternCovers, patternsDisjoint } from './resourceMatch.ts';
import type { CompiledPattern, PatternMode } from './resourcePattern.ts';
import { anyArn, compilePattern, compileTemplate, hasVariables, STAR_REQUEST } from './resourcePattern.ts';

export { conditionKey } from './conditions.ts';

export type WitnessKind = 'action' | 'unknown-action';

export interface Witness {
  /** The action newly allowed, in the catalogue's case; for an unknown action, the pattern as written. */
  readonly action: string;
  readonly kind: WitnessKind;
  /** The resource pattern of the new statement that is new (`NotResource a, b` for a NotResource statement). */
  readonly resource: string;
  /** A concrete resource the statement allows and the baseline does not, when the pattern is not one ARN. */
  readonly example?: string;
  /** The statement of the new document that grants it, e.g. `Statement[1]`. */
  readonly statement: string;
  readonly reason: string;
  /** Set when the verdict leaned towards drift because something could not be decided offline. */
  readonly conservative?: string;
}

export interface DriftResult {
  readonly newAccess: readonly Witness[];
  /** Statements of the new document that grant nothing new (Deny statements always). */
  readonly coveredStatements: readonly string[];
  /** Where the verdict leaned conservative or needs a word of explanation. */
  readonly notes: readonly string[];
  /** Action patterns of the document that name no action of the catalogue. */
  readonly unknownActions: readonly string[];
}

export interface CompareOptions {
  /** The account's partition (`aws`, `aws-cn`…), from the role's ARN: resources elsewhere are out of reach. */
  readonly partition?: string;
  /** Whether `${…}` in the envelope are policy variables (as in a 2012-10-17 document). Default true. */
  readonly envelopeVariables?: boolean;
}

interface Prepared {
  /** Distinct per prepared statement: grouping keys use it. */
  readonly id: number;
  readonly source: NormalizedStatement;
  readonly actions: ActionSet;
  readonly language: LanguageRef;
  /** Whether `${…}` in it are policy variables. */
  readonly variables: boolean;
}

interface LanguageRef {
  readonly key: string;
  readonly language: Language;
}

interface PreparedEnvelope {
  readonly allows: readonly Prepared[];
  readonly denies: readonly Prepared[];
  /**
   * Which statements (allows, then denies) name each action: a document statement of a few actions finds its
   * relevant envelope statements without testing all of them. Statements naming more than BROAD actions
   * (`*`, NotAction) are in `broad` instead and tested directly.
   */
  readonly byAction: ReadonlyMap<number, readonly Prepared[]>;
  readonly broad: readonly Prepared[];
  /** Deny statements compiled as grants (`gen`), to test whether a document Deny neutralises them. */
  readonly denyAsGrant: ReadonlyMap<Prepared, LanguageRef>;
}

const compiledCache = new Map<string, CompiledPattern>();

function compiled(pattern: string, mode: PatternMode, variables: boolean): CompiledPattern {
  const key = `${mode}${variables ? 'v' : '-'}${pattern}`;
  let result = compiledCache.get(key);
  if (!result) {
    if (compiledCache.size > 20_000) compiledCache.clear();
    result = compilePattern(pattern, mode, variables);
    compiledCache.set(key, result);
  }
  return result;
}

/** A NotResource list is a complement: approximating the set from above means its patterns from below. */
const NEGATED_MODE: Readonly<Record<PatternMode, PatternMode>> = {
  gen: 'under',
  under: 'over',
  over: 'under',
};

function languageOf(
  patterns: readonly string[],
  negated: boolean,
  requested: PatternMode,
  variables: boolean,
): LanguageRef {
  const mode = negated ? NEGATED_MODE[requested] : requested;
  return {
    key: `${negated ? '!' : ''}${mode}${variables ? 'v' : '-'}${patterns.join('\u0002')}`,
    language: { negated, patterns: patterns.map((p) => compiled(p, mode, variables)) },
  };
}

function statementActions(statement: NormalizedStatement): ActionSet {
  const { set } = actionSetOfPatterns(statement.actions.patterns);
  return statement.actions.negated ? set.complement() : set;
}

let nextId = 0;

function prepare(statement: NormalizedStatement, mode: PatternMode, variables: boolean): Prepared {
  nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER;
  return {
    id: nextId,
    source: statement,
    actions: statementActions(statement),
    language: languageOf(statement.resources.patterns, statement.resources.negated, mode, variables),
    variables,
  };
}

const BROAD = 2_000;
const NONE: readonly Prepared[] = [];

const envelopeCache = new WeakMap<readonly NormalizedStatement[], Map<string, PreparedEnvelope>>();

function prepareEnvelope(envelope: readonly NormalizedStatement[], variables: boolean): PreparedEnvelope {
  let byOptions = envelopeCache.get(envelope);
  if (!byOptions) {
    byOptions = new Map();
    envelopeCache.set(envelope, byOptions);
  }
  const key = variables ? 'v' : '-';
  const cached = byOptions.get(key);
  if (cached) return cached;
  const allows = envelope.filter((s) => s.effect === 'Allow').map((s) => prepare(s, 'under', variables));
  const denies = envelope.filter((s) => s.effect === 'Deny').map((s) => prepare(s, 'over', variables));
  const denyAsGrant = new Map(
    denies.map((d) => [
      d,
      languageOf(d.source.resources.patterns, d.source.resources.negated, 'gen', variables),
    ]),
  );
  const byAction = new Map<number, Prepared[]>();
  const broad: Prepared[] = [];
  for (const statement of [...allows, ...denies]) {
    if (statement.actions.count() > BROAD) {
      broad.push(statement);
      continue;
    }
    for (const index of statement.actions.indices()) {
      const list = byAction.get(index);
      if (list) list.push(statement);
      else byAction.set(index, [statement]);
    }
  }
  const prepared = { allows, denies, denyAsGrant, byAction, broad };
  byOptions.set(key, prepared);
  return prepared;
}

// ---------------------------------------------------------------------------------------------------------
// Resource verdicts, cached across calls: a replay puts the same policies on the same roles again and again.

const verdictCache = new Map<string, SearchResult>();

function search(key: string, run: () => SearchResult): SearchResult {
  const cached = verdictCache.get(key);
  if (cached) return cached;
  const result = run();
  if (verdictCache.size > 50_000) verdictCache.clear();
  verdictCache.set(key, result);
  return result;
}

const templateCache = new Map<string, LanguageRef>();

/** The resources an action can be requested on: its resource types' ARNs, or `*` when it has none. */
function requestSpace(action: CatalogueAction | null, partition: string | undefined): LanguageRef {
  const key = `${action ? action.resourceKey : '?'}@${partition ?? ''}`;
  let ref = templateCache.get(key);
  if (!ref) {
    const patterns =
      action === null
        ? [anyArn(partition), STAR_REQUEST]
        : action.resourceTemplates.length === 0
          ? [STAR_REQUEST]
          : action.resourceTemplates.map((t) => compileTemplate(t, partition));
    ref = { key: `U${key}`, language: { negated: false, patterns } };
    templateCache.set(key, ref);
  }
  return ref;
}

interface ResourceItem {
  /** As the witness shows it. */
  readonly label: string;
  /** Whether `${…}` are policy variables in the document the item comes from. */
  readonly variables: boolean;
  readonly single: string | null;
  readonly gen: LanguageRef;
  readonly over: LanguageRef;
}

interface GroupContext {
  readonly space: LanguageRef;
  readonly eligible: readonly Prepared[];
  readonly blocked: readonly Prepared[];
  readonly denies: readonly Prepared[];
  readonly ownDenies: readonly Prepared[];
}

type Verdict =
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

function decide(
  item: ResourceItem,
  ctx: GroupContext,
  envelope: PreparedEnvelope,
  statement: NormalizedStatement,
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
        ? 'the baseline allows this action only on other resources'
        : ctx.blocked.length > 0
          ? 'the baseline allows this action only under a Condition'
          : 'no baseline statement allows this action';
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
      reason: `the baseline denies it (${deny.source.path})`,
      ...(second.kind === 'witness' && item.single !== second.example ? { example: second.example } : {}),
      ...(conservative ? { conservative } : {}),
    };
  }
  return { covered: true };
}

/** Forgets every cached decision and compiled pattern (benchmarks measure cold runs with it). */
export function clearPolicyCaches(): void {
  verdictCache.clear();
  compiledCache.clear();
  templateCache.clear();
  clearActionSetCaches();
}

// ---------------------------------------------------------------------------------------------------------

/** Drops resource patterns covered by the others of the same list: they add nothing, and witnesses stay minimal. */
export function minimalResources(patterns: readonly string[], variables: boolean): string[] {
  const kept = [...patterns];
  for (const pattern of patterns) {
    const others = kept.filter((p) => p !== pattern);
    if (others.length === 0 || others.length === kept.length) continue;
    const gen = languageOf([pattern], false, 'gen', variables);
    const rest = languageOf(others, false, 'under', variables);
    const tokens = compiled(pattern, 'gen', variables).tokens;
    // Nothing to search when every other pattern starts differently (`b/shared/*` beside `b/projects/*`).
    if (others.every((o) => patternsDisjoint(compiled(o, 'under', variables).tokens, tokens))) continue;
    const covered =
      others.some((o) =>
        patternCovers(compiled(o, 'under', variables).tokens, compiled(pattern, 'gen', variables).tokens),
      ) ||
      search(`M|${gen.key}|${rest.key}`, () =>
        findResource({ all: [gen.language], none: [rest.language], any: [] }),
      ).kind === 'empty';
    if (covered) kept.splice(kept.indexOf(pattern), 1);
  }
  return kept;
}

function resourceItems(statement: NormalizedStatement, variables: boolean): ResourceItem[] {
  const { patterns, negated } = statement.resources;
  if (negated) {
    return [
      {
        label: `NotResource ${patterns.join(', ')}`,
        variables,
        single: null,
        gen: languageOf(patterns, true, 'gen', variables),
        over: languageOf(patterns, true, 'over', variables),
      },
    ];
  }
  return minimalResources(patterns, variables).map((pattern) => ({
    label: pattern,
    variables,
    single: pattern,
    gen: languageOf([pattern], false, 'gen', variables),
    over: languageOf([pattern], false, 'over', variables),
  }));
}

/** Whether a statement's action element applies to a pattern that names no catalogue action. */
function appliesToUnknown(statement: NormalizedStatement, pattern: string, cover: boolean): boolean {
  const { negated, patterns } = statement.actions;
  // Sound both ways: to cover, a listed pattern must include all of it; to touch, it is enough to overlap.
  if (negated) {
    return cover
      ? !patterns.some((p) => globsIntersect(p, pattern, true))
      : !patterns.some((p) => globCovers(p, pattern, true));
  }
  return cover
    ? patterns.some((p) => globCovers(p, pattern, true))
    : patterns.some((p) => globsIntersect(p, pattern, true));
}

export function compareToEnvelope(
  doc: PolicyDocument,
  envelope: readonly NormalizedStatement[],
  options: CompareOptions = {},
): DriftResult {
  const catalogue = actionCatalogue();
  const variables = doc.version === '2012-10-17';
  const prepared = prepareEnvelope(envelope, options.envelopeVariables ?? true);
  const ownDenies = doc.statements
    .filter((s) => s.effect === 'Deny')
    .map((s) => prepare(s, 'under', variables));
  const newAccess: Witness[] = [];
  const seen = new Set<string>();
  const coveredStatements: string[] = [];
  const notes: string[] = [];
  const unknownActions: string[] = [];

  for (const statement of doc.statements) {
    // A Deny in the new document only takes access away.
    if (statement.effect !== 'Allow') {
      coveredStatements.push(statement.path);
      continue;
    }
    const before = newAccess.length;
    const items = resourceItems(statement, variables);
    const eligibleAll = prepared.allows.filter((a) =>
      conditionImplies(statement.condition, a.source.condition),
    );
    const blockedAll = prepared.allows.filter((a) => !eligibleAll.includes(a));
    const record = (action: string, kind: WitnessKind, item: ResourceItem, verdict: Verdict): void => {
      if (verdict.covered) return;
      const key = `${action.toLowerCase()}\u0000${item.label}`;
      if (seen.has(key)) return;
      seen.add(key);
      newAccess.push({
        action,
        kind,
        resource: item.label,
        ...(verdict.example !== undefined ? { example: verdict.example } : {}),
        statement: statement.path,
        reason:
          kind === 'unknown-action'
            ? `not an action of the IAM catalogue; ${verdict.reason}`
            : verdict.reason,
        ...(verdict.conservative ? { conservative: verdict.conservative } : {}),
      });
    };

    // Catalogue actions, grouped by the statements that apply to them and by their resource types.
    const { set: listed, unknown } = actionSetOfPatterns(statement.actions.patterns);
    const granted = statement.actions.negated ? listed.complement() : listed;
    const eligibleSet = new Set(eligibleAll);
    const own = ownDenies.filter((p) => p.actions.intersects(granted));
    const broad = prepared.broad.filter((p) => p.actions.intersects(granted));
    const groups = new Map<
      string,
      { first: CatalogueAction; members: Prepared[]; actions: CatalogueAction[] }
    >();
    for (const index of granted.indices()) {
      const action = catalogue.actions[index] as CatalogueAction;
      const members = [...(prepared.byAction.get(index) ?? NONE)];
      for (const p of broad) if (p.actions.has(index)) members.push(p);
      for (const p of own) if (p.actions.has(index)) members.push(p);
      let key = action.resourceKey;
      for (const p of members) key += `,${p.id}`;
      const group = groups.get(key);
      if (group) group.actions.push(action);
      else groups.set(key, { first: action, members, actions: [action] });
    }
    for (const { first, members, actions } of groups.values()) {
      const ctx: GroupContext = {
        space: requestSpace(first, options.partition),
        eligible: members.filter(
          (p) => p.source.effect === 'Allow' && !ownDenies.includes(p) && eligibleSet.has(p),
        ),
        blocked: members.filter(
          (p) => p.source.effect === 'Allow' && !ownDenies.includes(p) && !eligibleSet.has(p),
        ),
        denies: members.filter((p) => p.source.effect === 'Deny' && !ownDenies.includes(p)),
        ownDenies: members.filter((p) => ownDenies.includes(p)),
      };
      for (const item of items) {
        const verdict = decide(item, ctx, prepared, statement);
        for (const action of actions) record(action.name, 'action', item, verdict);
      }
    }

    // Patterns naming no catalogue action: reported as such, decided by pattern.
    if (!statement.actions.negated) {
      for (const pattern of unknown) {
        unknownActions.push(pattern);
        const ctx: GroupContext = {
          space: requestSpace(null, options.partition),
          eligible: eligibleAll.filter((a) => appliesToUnknown(a.source, pattern, true)),
          blocked: blockedAll.filter((a) => appliesToUnknown(a.source, pattern, true)),
          denies: prepared.denies.filter((d) => appliesToUnknown(d.source, pattern, false)),
          ownDenies: ownDenies.filter((d) => appliesToUnknown(d.source, pattern, true)),
        };
        const beforeUnknown = newAccess.length;
        for (const item of items)
          record(pattern, 'unknown-action', item, decide(item, ctx, prepared, statement));
        if (newAccess.length === beforeUnknown) {
          notes.push(
            `${statement.path}: ${pattern} is not an action of the IAM catalogue (iam-data ${catalogue.version}); a baseline pattern covers it`,
          );
        }
      }
    } else {
      notes.push(
        `${statement.path}: NotAction was compared against the ${catalogue.actions.length} actions of the IAM catalogue (iam-data ${catalogue.version}); it also grants actions AWS adds later`,
      );
    }
    if (variables && statement.resources.patterns.some(hasVariables)) {
      notes.push(
        `${statement.path}: policy variables are unknown offline; only the same variable at the same place, or a * that may span anything, counts as covering one`,
      );
    }
    if (newAccess.length === before) coveredStatements.push(statement.path);
  }

  if (newAccess.length > 0) {
    for (const deny of ownDenies.filter((d) => d.source.condition !== null)) {
      notes.push(
        `${deny.source.path}: a Deny with a Condition may not apply to every request, so it was not subtracted`,
      );
    }
  }
  if (!variables && doc.statements.some((s) => s.resources.patterns.some((p) => /\$\{/.test(p)))) {
    notes.push(`the document has no Version 2012-10-17, so \${…} in it is read literally, as IAM does`);
  }
  return { newAccess, coveredStatements, notes, unknownActions };
}
