/**
 * The envelope comparison, third job: compare (prepare.ts and decide.ts hold the first two).
 *
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
import { actionCatalogue, actionSetOfPatterns } from './catalogue.ts';
import { conditionImplies } from './conditions.ts';
import type { GroupContext, Verdict } from './decide.ts';
import { decide } from './decide.ts';
import { globCovers, globsIntersect } from './glob.ts';
import type { NormalizedStatement, PolicyDocument } from './parse.ts';
import type { LanguageRef, Prepared, ResourceItem } from './prepare.ts';
import { prepare, prepareEnvelope, requestSpace, resourceItems } from './prepare.ts';
import { hasVariables } from './resourcePattern.ts';

export { clearPolicyCaches } from './cache.ts';
export { conditionKey } from './conditions.ts';
export { minimalResources } from './prepare.ts';

const NONE: readonly Prepared[] = [];

/** Catalogue actions one statement grants that the same envelope statements apply to, with the same resource types. */
interface Group {
  readonly first: CatalogueAction;
  readonly members: readonly Prepared[];
  readonly actions: CatalogueAction[];
}

export type WitnessKind = 'action' | 'unknown-action';

/**
 * New access as the engine finds it: the actions one statement newly allows on one of its resource patterns,
 * for one reason. `Action: "*"` is ~22,000 witnesses but ~2,000 grants; rules and reports fold grants and
 * build individual witnesses only for what they show.
 */
export interface Grant {
  /** The actions newly allowed, in the catalogue's case; for an unknown action, the pattern as written. Never empty. */
  readonly actions: readonly string[];
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

/** One (action, resource pattern) of a grant. */
export interface Witness extends Omit<Grant, 'actions'> {
  readonly action: string;
}

export interface DriftResult {
  readonly grants: readonly Grant[];
  /** How many (action, resource pattern) witnesses the grants hold. */
  readonly newAccessCount: number;
  /** One witness per (action, resource pattern), in the grants' order; built on first read. */
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
  /** What the envelope is called in witness reasons: `baseline` (the default), `document` for the other way. */
  readonly envelopeName?: string;
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

/**
 * The granted actions grouped by resource types and by the statements that apply to them: those of the envelope
 * naming the action (one shared list per set of them, see prepareEnvelope) and which of `extras` (the broad
 * statements and the document's own Denies) include it. Looked up by identity and a bit mask, so that the
 * ~22,000 actions of `*` build no key string each.
 */
function groupActions(
  granted: ActionSet,
  byAction: ReadonlyMap<number, readonly Prepared[]>,
  extras: readonly Prepared[],
): Group[] {
  const catalogue = actionCatalogue();
  const groups: Group[] = [];
  const byResource = new Map<string, Map<readonly Prepared[], Map<number | string, Group>>>();
  for (const index of granted.indices()) {
    const action = catalogue.actions[index] as CatalogueAction;
    // Most actions of a broad grant (`*`) are named by no envelope statement.
    const base = byAction.get(index) ?? NONE;
    // Which extras apply: a bit mask, or their ids when there are more than a mask holds.
    let applies: number | string = extras.length <= 30 ? 0 : '';
    for (let k = 0; k < extras.length; k++) {
      const p = extras[k] as Prepared;
      if (!p.actions.has(index)) continue;
      applies = typeof applies === 'number' ? applies | (1 << k) : `${applies},${p.id}`;
    }
    let byBase = byResource.get(action.resourceKey);
    if (!byBase) {
      byBase = new Map();
      byResource.set(action.resourceKey, byBase);
    }
    let byExtras = byBase.get(base);
    if (!byExtras) {
      byExtras = new Map();
      byBase.set(base, byExtras);
    }
    const group = byExtras.get(applies);
    if (group) {
      group.actions.push(action);
      continue;
    }
    const created = {
      first: action,
      members: [...base, ...extras.filter((p) => p.actions.has(index))],
      actions: [action],
    };
    groups.push(created);
    byExtras.set(applies, created);
  }
  return groups;
}

export function compareToEnvelope(
  doc: PolicyDocument,
  envelope: readonly NormalizedStatement[],
  options: CompareOptions = {},
): DriftResult {
  const catalogue = actionCatalogue();
  const variables = doc.version === '2012-10-17';
  const envelopeName = options.envelopeName ?? 'baseline';
  const prepared = prepareEnvelope(envelope, options.envelopeVariables ?? true);
  const ownDenies = doc.statements
    .filter((s) => s.effect === 'Deny')
    .map((s) => prepare(s, 'under', variables));
  const grants: Grant[] = [];
  let newAccessCount = 0;
  // (action, pattern) pairs already reported: catalogue actions as a bitset per pattern (an `Action: "*"`
  // statement reports ~22,000; a Set of their names cost more than the comparison itself).
  const seen = new Map<string, { readonly actions: Uint32Array; readonly unknown: Set<string> }>();
  const words = (catalogue.actions.length + 31) >>> 5;
  const coveredStatements: string[] = [];
  const notes: string[] = [];
  const unknownActions: string[] = [];

  for (const statement of doc.statements) {
    // A Deny in the new document only takes access away.
    if (statement.effect !== 'Allow') {
      coveredStatements.push(statement.path);
      continue;
    }
    const before = newAccessCount;
    const items = resourceItems(statement, variables);
    const eligibleAll = prepared.allows.filter((a) =>
      conditionImplies(statement.condition, a.source.condition),
    );
    const blockedAll = prepared.allows.filter((a) => !eligibleAll.includes(a));
    /** The actions not reported yet for this resource pattern (an (action, pattern) is reported once). */
    const unreported = (item: ResourceItem, actions: readonly CatalogueAction[]): string[] => {
      let reported = seen.get(item.label);
      if (!reported) {
        reported = { actions: new Uint32Array(words), unknown: new Set() };
        seen.set(item.label, reported);
      }
      const bits = reported.actions;
      const fresh: string[] = [];
      for (const action of actions) {
        const word = action.index >>> 5;
        const bit = 1 << (action.index & 31);
        if (((bits[word] as number) & bit) !== 0) continue;
        bits[word] = (bits[word] as number) | bit;
        fresh.push(action.name);
      }
      return fresh;
    };
    const record = (actions: string[], kind: WitnessKind, item: ResourceItem, verdict: Verdict): void => {
      if (verdict.covered || actions.length === 0) return;
      const grant: Grant = {
        actions,
        kind,
        resource: item.label,
        statement: statement.path,
        reason:
          kind === 'unknown-action'
            ? `not an action of the IAM catalogue; ${verdict.reason}`
            : verdict.reason,
      };
      // Optional fields set only when present, as exactOptionalPropertyTypes wants.
      const mutable = grant as { example?: string; conservative?: string };
      if (verdict.example !== undefined) mutable.example = verdict.example;
      if (verdict.conservative) mutable.conservative = verdict.conservative;
      grants.push(grant);
      newAccessCount += actions.length;
    };

    // Catalogue actions, grouped by the statements that apply to them and by their resource types.
    const { set: listed, unknown } = actionSetOfPatterns(statement.actions.patterns);
    const granted = statement.actions.negated ? listed.complement() : listed;
    const eligibleSet = new Set(eligibleAll);
    const own = ownDenies.filter((p) => p.actions.intersects(granted));
    const broad = prepared.broad.filter((p) => p.actions.intersects(granted));
    const groups = groupActions(granted, prepared.byAction, [...broad, ...own]);
    for (const { first, members, actions } of groups) {
      let space: LanguageRef | undefined;
      const ctx: GroupContext = {
        // Only a search needs the request space: `*` against no baseline statement is decided without one.
        get space() {
          space ??= requestSpace(first, options.partition);
          return space;
        },
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
        const verdict = decide(item, ctx, prepared, statement, envelopeName);
        if (verdict.covered) continue;
        record(unreported(item, actions), 'action', item, verdict);
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
        const beforeUnknown = newAccessCount;
        const key = pattern.toLowerCase();
        for (const item of items) {
          const verdict = decide(item, ctx, prepared, statement, envelopeName);
          if (verdict.covered) continue;
          const reported = seen.get(item.label);
          if (reported?.unknown.has(key)) continue;
          if (reported) reported.unknown.add(key);
          else seen.set(item.label, { actions: new Uint32Array(words), unknown: new Set([key]) });
          record([pattern], 'unknown-action', item, verdict);
        }
        if (newAccessCount === beforeUnknown) {
          notes.push(
            `${statement.path}: ${pattern} is not an action of the IAM catalogue (iam-data ${catalogue.version}); a ${envelopeName} pattern covers it`,
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
    if (newAccessCount === before) coveredStatements.push(statement.path);
  }

  if (newAccessCount > 0) {
    for (const deny of ownDenies.filter((d) => d.source.condition !== null)) {
      notes.push(
        `${deny.source.path}: a Deny with a Condition may not apply to every request, so it was not subtracted`,
      );
    }
  }
  if (!variables && doc.statements.some((s) => s.resources.patterns.some((p) => /\$\{/.test(p)))) {
    notes.push(`the document has no Version 2012-10-17, so \${…} in it is read literally, as IAM does`);
  }
  let witnesses: Witness[] | undefined;
  return {
    grants,
    newAccessCount,
    get newAccess() {
      witnesses ??= witnessesOf(grants);
      return witnesses;
    },
    coveredStatements,
    notes,
    unknownActions,
  };
}

/** One witness per action of each grant, in order. */
export function witnessesOf(grants: readonly Grant[], limit = Number.POSITIVE_INFINITY): Witness[] {
  const out: Witness[] = [];
  for (const { actions, ...rest } of grants) {
    for (const action of actions) {
      if (out.length >= limit) return out;
      out.push({ ...rest, action });
    }
  }
  return out;
}
