import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import { actionCatalogue, actionSetOfPatterns } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import type { EscalationHit } from '../policy/privesc.ts';
import { escalationsIn } from '../policy/privesc.ts';
import { judged, targetLabel } from './policyAnalysis.ts';

/** True when the statement allows every IAM action (`iam:*`, `*`, or a NotAction that spares IAM). */
function allowsAllOfIam(statement: NormalizedStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  const iam = actionCatalogue().services.get('iam') ?? [];
  const { set } = actionSetOfPatterns(statement.actions.patterns);
  const granted = statement.actions.negated ? set.complement() : set;
  return iam.length > 0 && iam.every((action) => granted.has(action.index));
}

export const policyPrivesc = defineRule({
  id: RuleId.policyPrivesc,
  title: 'Principal gains privilege escalation',
  rationale:
    'These permissions let whoever holds the principal give themselves more: new policies, new keys, other roles, code running as a stronger role. One compromised workload becomes the whole account.',
  nextSteps: [
    'Remove the escalation actions, or scope them to the exact roles, users and policies the workload manages.',
    'Add a permissions boundary to principals that must keep them.',
  ],
  severity: 'high',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(_subject, { inputs }) {
    const analysis = inputs.policy;
    const found: { principal: string; document: string; hit: EscalationHit }[] = [];
    const unapproved: NormalizedStatement[] = [];
    for (const { target, judgement } of judged(analysis)) {
      const statements = judgement.unapprovedStatements;
      // Paths may combine a new grant with one the baseline already approved (PassRole here, RunInstances there).
      for (const hit of escalationsIn(statements, target.approved)) {
        found.push({ principal: targetLabel(target), document: judgement.document.label, hit });
      }
      if (statements.length > 0) unapproved.push(...statements);
    }
    const [first] = found;
    if (!first) return [];
    const severity: Severity = unapproved.some(allowsAllOfIam) ? 'critical' : 'high';
    const ids = new Set(found.map((f) => f.hit.id));
    const more = ids.size > 1 ? ` (and ${ids.size - 1} more path${ids.size > 2 ? 's' : ''})` : '';
    const actions = first.hit.grants.map((g) => g.action).join(' + ');
    const several = new Set(found.map((f) => `${f.principal}\u0000${f.document}`)).size > 1;
    return [
      {
        summary: `${analysis.what} opens privilege escalation: ${first.hit.title} (${actions}): ${first.hit.why}${more}.`,
        resource: analysis.resource,
        severity,
        details: {
          ...analysis.details,
          escalations: several
            ? found.map(({ principal, document, hit }) => ({ ...hit, principal, document }))
            : found.map(({ hit }) => hit),
        },
      },
    ];
  },
});
