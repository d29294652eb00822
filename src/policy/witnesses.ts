/**
 * Witnesses for people: the same (statement, resource, reason) folded into one line listing its actions, and
 * a whole service written `s3:*` when every catalogue action of it is there. `Action: "*"` yields ~22,000
 * witnesses; folded, they are one line per statement and reason.
 */
import { actionCatalogue } from './catalogue.ts';
import type { Grant, Witness, WitnessKind } from './envelope.ts';

export interface WitnessGroup {
  readonly statement: string;
  readonly resource: string;
  readonly reason: string;
  readonly kind: WitnessKind;
  /** Catalogue-cased actions, a whole service as `service:*`, everything as `*`. */
  readonly actions: readonly string[];
  /** How many actions the group stands for. */
  readonly count: number;
  readonly example?: string;
  readonly conservative?: string;
}

/**
 * Folds grants (or single witnesses) into groups. `byReason` (the default) keeps apart what differs in reason
 * or caveat, for details; without it, one group per statement and resource, for a summary sentence.
 */
export function groupWitnesses(items: readonly (Grant | Witness)[], byReason = true): WitnessGroup[] {
  // A judgement's grants are cached with it (policyAnalysis): a replay folds the same array again and again.
  let known = folded.get(items);
  if (!known) {
    known = new Map();
    folded.set(items, known);
  }
  let groups = known.get(byReason);
  if (!groups) {
    // Shared by every finding that folds the same grants: frozen, so no reader can change another's.
    groups = Object.freeze(
      fold(items, byReason).map((group) =>
        Object.freeze({ ...group, actions: Object.freeze(group.actions) }),
      ),
    );
    known.set(byReason, groups);
  }
  return [...groups];
}

const folded = new WeakMap<readonly (Grant | Witness)[], Map<boolean, readonly WitnessGroup[]>>();

function fold(items: readonly (Grant | Witness)[], byReason: boolean): WitnessGroup[] {
  const catalogue = actionCatalogue();
  const groups = new Map<string, { first: Grant | Witness; actions: string[] }>();
  for (const item of items) {
    const key = [
      item.statement,
      item.resource,
      item.kind,
      ...(byReason ? [item.reason, item.conservative ?? ''] : []),
    ].join('\u0000');
    const actions = 'actions' in item ? item.actions : [item.action];
    const group = groups.get(key);
    if (group) for (const action of actions) group.actions.push(action);
    else groups.set(key, { first: item, actions: [...actions] });
  }
  return [...groups.values()].map(({ first, actions }) => {
    let folded: string[] = actions;
    if (first.kind === 'action') {
      const byService = new Map<string, string[]>();
      for (const action of actions) {
        const service = action.slice(0, action.indexOf(':'));
        const list = byService.get(service);
        if (list) list.push(action);
        else byService.set(service, [action]);
      }
      const whole = [...byService].filter(
        ([service, list]) => list.length === catalogue.services.get(service)?.length,
      );
      folded =
        whole.length === catalogue.services.size
          ? ['*']
          : [...byService].flatMap(([service, list]) =>
              list.length === catalogue.services.get(service)?.length ? [`${service}:*`] : list,
            );
    }
    return {
      statement: first.statement,
      resource: first.resource,
      reason: first.reason,
      kind: first.kind,
      actions: folded,
      count: actions.length,
      ...(first.example !== undefined ? { example: first.example } : {}),
      ...(first.conservative !== undefined ? { conservative: first.conservative } : {}),
    };
  });
}

/** `s3:GetObject, s3:PutObject on arn:…` or `s3:* (180 actions) on *`, for a summary sentence. */
export function describeGroup(group: WitnessGroup, maxActions = 3): string {
  const shown = group.actions.slice(0, maxActions).join(', ');
  const more = group.actions.length > maxActions ? ` +${group.actions.length - maxActions} more` : '';
  const folded = group.actions.some((a) => a.endsWith('*')) ? ` (${group.count} actions)` : '';
  return `${shown}${more}${folded} on ${group.resource}`;
}
