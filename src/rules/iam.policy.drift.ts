import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import type { Grant } from '../policy/envelope.ts';
import { witnessesOf } from '../policy/envelope.ts';
import { describeGroup, groupWitnesses } from '../policy/witnesses.ts';
import type { TargetJudgement } from './policyAnalysis.ts';
import { judged, placeOf, targetLabel } from './policyAnalysis.ts';

/** The summary names this many witness lines; details hold them all, folded per statement and resource. */
const SUMMARY_WITNESSES = 3;
/** Individual witnesses in details (the folded groups are complete). */
const MAX_WITNESSES = 50;

/**
 * The grants of several judgements as one list: each (action, resource) of a document once, and statements named
 * in their document when the event gives several.
 */
function mergeJudgements(
  drifted: readonly TargetJudgement[],
  named: boolean,
): { grants: Grant[]; newAccessCount: number } {
  // Only a document judged more than once needs its (action, resource) pairs remembered.
  const judgedCount = new Map<string, number>();
  for (const { judgement } of drifted) {
    const key = judgement.document.key;
    judgedCount.set(key, (judgedCount.get(key) ?? 0) + 1);
  }
  const reported = new Map<string, Set<string>>();
  const grants: Grant[] = [];
  let newAccessCount = 0;
  for (const { judgement } of drifted) {
    const key = judgement.document.key;
    // The engine reports an (action, resource) once per judgement; across judgements of one document, once.
    let seen = reported.get(key);
    if (!seen && (judgedCount.get(key) ?? 0) > 1) {
      seen = new Set();
      reported.set(key, seen);
    }
    for (const grant of judgement.drift?.grants ?? []) {
      let actions = grant.actions;
      if (seen) {
        const known = seen;
        actions = actions.filter((action) => !known.has(`${action}\u0000${grant.resource}`));
        for (const action of actions) known.add(`${action}\u0000${grant.resource}`);
      }
      if (actions.length === 0) continue;
      const statement = named ? `${judgement.document.label} ${grant.statement}` : grant.statement;
      grants.push({ ...grant, actions, statement });
      newAccessCount += actions.length;
    }
  }
  return { grants, newAccessCount };
}

export const policyDrift = defineRule({
  id: RuleId.policyDrift,
  title: 'Principal gains access outside its baseline',
  rationale:
    'A role, user or group can now do something its baseline never allowed, whether by an inline policy, an attached managed policy, a new policy version, a group or a removed boundary: least privilege erodes one grant at a time, and the widened principal is what an attacker on the workload inherits.',
  nextSteps: [
    'Compare the new statements with the baseline (guardrail policy diff), and see details.path for how the access came.',
    'If the change is wanted, widen the baseline through review; otherwise undo it (put the previous policy back, detach the policy, set the previous default version, restore the boundary).',
  ],
  severity: 'high',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const drifted = judged(analysis).filter(
      ({ target, judgement }) =>
        target.baselinePath !== undefined && (judgement.drift?.newAccessCount ?? 0) > 0,
    );
    const [first] = drifted;
    if (!first) return [];
    // A document judged for several principals shows each new access once (details.judged has each one's count);
    // statements are named in their document when the event gives several. Grants stay grouped: `Action: "*"`
    // is ~22,000 witnesses, of which details keep the first MAX_WITNESSES.
    const documents = new Set(drifted.map(({ judgement }) => judgement.document.key));
    let grants: readonly Grant[];
    let newAccessCount: number;
    if (drifted.length === 1) {
      // One judgement: its own grants, as cached with it (the folds below are then cached too).
      grants = first.judgement.drift?.grants ?? [];
      newAccessCount = first.judgement.drift?.newAccessCount ?? 0;
    } else {
      ({ grants, newAccessCount } = mergeJudgements(drifted, documents.size > 1));
    }
    const groups = groupWitnesses(grants);
    const lines = groupWitnesses(grants, false);
    const shown = lines
      .slice(0, SUMMARY_WITNESSES)
      .map((line) => describeGroup(line))
      .join('; ');
    const more = lines.length > SUMMARY_WITNESSES ? ` and ${lines.length - SUMMARY_WITNESSES} more` : '';
    const conservative = grants.some((g) => g.conservative !== undefined)
      ? ' Part of this verdict is conservative (see details).'
      : '';
    const targets = [...new Set(drifted.map(({ target }) => target))];
    const whose =
      analysis.path === 'inline' || (targets.length === 1 && analysis.resource === first.target.arn)
        ? 'its baseline'
        : `the baseline of ${targets.map(targetLabel).join(', ')}`;
    const notes = [
      ...new Set([
        ...drifted.flatMap(({ judgement }) => judgement.drift?.notes ?? []),
        ...targets.flatMap((t) => t.notes),
      ]),
    ];
    const unknownActions = [
      ...new Set(drifted.flatMap(({ judgement }) => judgement.drift?.unknownActions ?? [])),
    ];
    const conservativeReasons = [...new Set(grants.flatMap((g) => (g.conservative ? [g.conservative] : [])))];
    return [
      {
        summary: `${analysis.what} grants access outside ${whose}: ${shown}${more}.${conservative}`,
        resource: analysis.resource,
        details: {
          ...analysis.details,
          baselinePath: first.target.baselinePath,
          document: first.judgement.document.label,
          ...(first.judgement.document.standIn ? { standIn: first.judgement.document.standIn } : {}),
          newAccessCount,
          newAccessGroups: groups,
          newAccess: witnessesOf(grants, MAX_WITNESSES),
          coveredStatements: [
            ...new Set(
              drifted.flatMap((item) =>
                (item.judgement.drift?.coveredStatements ?? []).map((path) => placeOf(analysis, item, path)),
              ),
            ),
          ],
          ...(drifted.length > 1
            ? {
                judged: drifted.map(({ target, judgement }) => ({
                  principal: targetLabel(target),
                  baselinePath: target.baselinePath,
                  document: judgement.document.label,
                  newAccessCount: judgement.drift?.newAccessCount ?? 0,
                })),
              }
            : {}),
          ...(unknownActions.length > 0 ? { unknownActions } : {}),
          ...(notes.length > 0 ? { notes } : {}),
          ...(conservativeReasons.length > 0 ? { conservative: conservativeReasons } : {}),
        },
      },
    ];
  },
});
