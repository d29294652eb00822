/**
 * Which actions a statement's resources can reach: an action is requested on the ARNs of its resource types
 * (or on `*` when it has none), so `lambda:UpdateFunctionCode` granted on an S3 object ARN grants nothing.
 * Used by the privilege-escalation and wildcard rules; `*` and NotResource count as reaching everything (a
 * NotResource may exclude little), which keeps both rules conservative.
 */
import { ActionSet } from './actionSet.ts';
import type { CatalogueAction } from './catalogue.ts';
import { actionCatalogue } from './catalogue.ts';
import type { NormalizedStatement } from './parse.ts';
import { compiled, requestSpace } from './prepare.ts';
import { patternsDisjoint, patternsIntersect } from './resourceMatch.ts';

/** The statement's resource patterns that can name a resource `action` is requested on (all for `*`/NotResource). */
export function patternsReaching(
  statement: NormalizedStatement,
  action: CatalogueAction,
  partition?: string,
): readonly string[] {
  const { patterns, negated } = statement.resources;
  if (negated) return patterns;
  const space = requestSpace(action, partition).language.patterns;
  return patterns.filter((pattern) => {
    if (pattern === '*') return true;
    // A variable is read as a wildcard here (`over`): it may name any resource of its segment.
    const tokens = compiled(pattern, 'over', true).tokens;
    return space.some(
      (template) => !patternsDisjoint(template.tokens, tokens) && patternsIntersect(template.tokens, tokens),
    );
  });
}

/** Whether the statement's resources can name a resource `action` is requested on. */
export function reachesAction(
  statement: NormalizedStatement,
  action: CatalogueAction,
  partition?: string,
): boolean {
  return patternsReaching(statement, action, partition).length > 0;
}

/** The actions of `actions` the statement's resources can reach (decided once per resource-type combination). */
export function reachableActions(
  statement: NormalizedStatement,
  actions: ActionSet,
  partition?: string,
): ActionSet {
  const { patterns, negated } = statement.resources;
  if (negated || patterns.includes('*')) return actions;
  const catalogue = actionCatalogue();
  const byType = new Map<string, boolean>();
  const kept: number[] = [];
  for (const index of actions.indices()) {
    const action = catalogue.actions[index] as CatalogueAction;
    let reaches = byType.get(action.resourceKey);
    if (reaches === undefined) {
      reaches = reachesAction(statement, action, partition);
      byType.set(action.resourceKey, reaches);
    }
    if (reaches) kept.push(index);
  }
  return ActionSet.of(actions.size, kept);
}
