import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import { describeStatement, judged, placeOf, targetLabel } from './policyAnalysis.ts';

export const policyNoBaseline = defineRule({
  id: RuleId.policyNoBaseline,
  title: 'Policy given to a principal the baseline does not know',
  rationale:
    'Nobody has said what this principal may do, so no grant to it can be checked; unknown roles, users and policies are where permissions accumulate unseen.',
  nextSteps: [
    'Find the owner and add the principal (or the customer-managed policy) to the baseline with its intended permissions.',
    'If it should not exist, remove it.',
  ],
  severity: 'medium',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const unknown = judged(analysis).filter(
      ({ target, judgement }) =>
        target.baselinePath === undefined && judgement.document.policy.statements.length > 0,
    );
    const [first] = unknown;
    if (!first) return [];
    const targets = [...new Set(unknown.map(({ target }) => target))];
    return [
      {
        summary: `${analysis.what}: ${targets.map((t) => `${targetLabel(t)} is ${t.noBaseline ?? 'not in the baseline'}`).join('; ')}.`,
        resource: analysis.resource,
        details: {
          ...analysis.details,
          withoutBaseline: targets.map((t) => ({ principal: targetLabel(t), arn: t.arn, why: t.noBaseline })),
          statements: unknown.flatMap((item) =>
            item.judgement.document.policy.statements.map((statement) => ({
              ...describeStatement(statement),
              path: placeOf(analysis, item, statement.path),
            })),
          ),
        },
      },
    ];
  },
});
