/**
 * The envelope comparison, first job: prepare. Statements become action bitsets and compiled resource
 * languages, the envelope an inverted index from action to statements, an action its request space (the ARN
 * templates of its resource types), and a document statement its minimal list of resource items. Everything
 * here is cached (cache.ts), so a replay prepares each envelope, pattern and template once.
 */
import type { ActionSet } from './actionSet.ts';
import { BoundedCache, CACHE_LIMITS } from './cache.ts';
import type { CatalogueAction } from './catalogue.ts';
import { actionSetOfPatterns } from './catalogue.ts';
import type { NormalizedStatement } from './parse.ts';
import type { Language, SearchResult } from './resourceMatch.ts';
import {
  findResource,
  patternCovers,
  patternsDisjoint,
  patternsIntersect,
  sampleTokens,
} from './resourceMatch.ts';
import type { CompiledPattern, PatternMode } from './resourcePattern.ts';
import { anyArn, compilePattern, compileTemplate, STAR_REQUEST } from './resourcePattern.ts';

export interface LanguageRef {
  /** Equal keys, equal languages: verdicts are cached by it. */
  readonly key: string;
  readonly language: Language;
}

export interface Prepared {
  /** Distinct per prepared statement: grouping keys use it. */
  readonly id: number;
  readonly source: NormalizedStatement;
  readonly actions: ActionSet;
  readonly language: LanguageRef;
  /** Whether `${…}` in it are policy variables. */
  readonly variables: boolean;
}

export interface PreparedEnvelope {
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

/** One resource entry of a document statement, as the decisions see it. */
export interface ResourceItem {
  /** As the witness shows it. */
  readonly label: string;
  /** Whether `${…}` are policy variables in the document the item comes from. */
  readonly variables: boolean;
  readonly single: string | null;
  readonly gen: LanguageRef;
  readonly over: LanguageRef;
}

const compiledCache = new BoundedCache<string, CompiledPattern>(CACHE_LIMITS.compiledPatterns);

export function compiled(pattern: string, mode: PatternMode, variables: boolean): CompiledPattern {
  return compiledCache.getOrSet(`${mode}${variables ? 'v' : '-'}${pattern}`, () =>
    compilePattern(pattern, mode, variables),
  );
}

/** A NotResource list is a complement: approximating the set from above means its patterns from below. */
const NEGATED_MODE: Readonly<Record<PatternMode, PatternMode>> = {
  gen: 'under',
  under: 'over',
  over: 'under',
};

export function languageOf(
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

export function statementActions(statement: NormalizedStatement): ActionSet {
  const { set } = actionSetOfPatterns(statement.actions.patterns);
  return statement.actions.negated ? set.complement() : set;
}

let nextId = 0;

export function prepare(statement: NormalizedStatement, mode: PatternMode, variables: boolean): Prepared {
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

/** Held as long as the baseline's statements are (a WeakMap); emptied with the other caches. */
const envelopeCache = new WeakMap<readonly NormalizedStatement[], BoundedCache<string, PreparedEnvelope>>();

export function prepareEnvelope(
  envelope: readonly NormalizedStatement[],
  variables: boolean,
): PreparedEnvelope {
  let byOptions = envelopeCache.get(envelope);
  if (!byOptions) {
    byOptions = new BoundedCache(2);
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
  // Actions named by the same statements share one list: the comparison groups actions by the list itself.
  const interned = new Map<string, Prepared[]>();
  for (const [index, list] of byAction) {
    const ids = list.map((p) => p.id).join(',');
    const shared = interned.get(ids);
    if (shared) byAction.set(index, shared);
    else interned.set(ids, list);
  }
  const prepared = { allows, denies, denyAsGrant, byAction, broad };
  byOptions.set(key, prepared);
  return prepared;
}

const verdictCache = new BoundedCache<string, SearchResult>(CACHE_LIMITS.verdicts);

/** A resource question answered once per key: a replay puts the same policies on the same roles again and again. */
export function search(key: string, run: () => SearchResult): SearchResult {
  return verdictCache.getOrSet(key, run);
}

/** Request spaces and compiled templates are functions of the catalogue alone: they live as long as it does. */
const spaceCache = new BoundedCache<string, LanguageRef>(CACHE_LIMITS.requestSpaces, {
  derivedFromCatalogue: true,
});
const templateCache = new BoundedCache<string, CompiledPattern>(CACHE_LIMITS.templates, {
  derivedFromCatalogue: true,
});

/** The resources an action can be requested on: its resource types' ARNs, or `*` when it has none. */
export function requestSpace(action: CatalogueAction | null, partition: string | undefined): LanguageRef {
  const key = `${action ? action.resourceKey : '?'}@${partition ?? ''}`;
  return spaceCache.getOrSet(key, () => {
    const patterns =
      action === null
        ? [anyArn(partition), STAR_REQUEST]
        : action.resourceTemplates.length === 0
          ? [STAR_REQUEST]
          : action.resourceTemplates.map((t) =>
              templateCache.getOrSet(`${partition ?? ''}@${t}`, () => compileTemplate(t, partition)),
            );
    return { key: `U${key}`, language: { negated: false, patterns } };
  });
}

/** Drops resource patterns covered by the others of the same list: they add nothing, and witnesses stay minimal. */
export function minimalResources(patterns: readonly string[], variables: boolean): string[] {
  const kept = [...patterns];
  for (const pattern of patterns) {
    const others = kept.filter((p) => p !== pattern);
    if (others.length === 0 || others.length === kept.length) continue;
    const tokens = compiled(pattern, 'gen', variables).tokens;
    // Nothing to search when every other pattern starts differently (`b/shared/*` beside `b/projects/*`).
    if (others.every((o) => patternsDisjoint(compiled(o, 'under', variables).tokens, tokens))) continue;
    // The pattern with its wildcards filled in, when no other pattern matches it, is a resource only it covers.
    const sample = sampleTokens(tokens);
    if (!others.some((o) => patternsIntersect(compiled(o, 'under', variables).tokens, sample))) continue;
    const covered =
      others.some((o) => patternCovers(compiled(o, 'under', variables).tokens, tokens)) ||
      (() => {
        const gen = languageOf([pattern], false, 'gen', variables);
        const rest = languageOf(others, false, 'under', variables);
        return (
          search(`M|${gen.key}|${rest.key}`, () =>
            findResource({ all: [gen.language], none: [rest.language], any: [] }),
          ).kind === 'empty'
        );
      })();
    if (covered) kept.splice(kept.indexOf(pattern), 1);
  }
  return kept;
}

/** The resource entries a document statement is judged on: one per minimal pattern, or its NotResource whole. */
export function resourceItems(statement: NormalizedStatement, variables: boolean): ResourceItem[] {
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
