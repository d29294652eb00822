import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import { actionSetOfPatterns } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import type { EscalationHit } from '../policy/privesc.ts';
import { escalationsIn } from '../policy/privesc.ts';
import { reachableActions } from '../policy/reach.ts';
import { judged, partitionOf, targetLabel } from './policyAnalysis.ts';

/**
 * True when the statement allows every IAM action on every resource it can act on (`iam:*` or `*` on `*`, a
 * NotAction that spares IAM on `*` or a NotResource): `iam:*` on one bucket ARN allows no IAM action at all.
 */
function allowsAllOfIam(statement: NormalizedStatement, partition: string | undefined): boolean {
  if (statement.effect !== 'Allow') return false;
  const { set } = actionSetOfPatterns(statement.actions.patterns);
  const granted = statement.actions.negated ? set.complement() : set;
  const iam = actionSetOfPatterns(['iam:*']).set;
  return iam.isSubsetOf(granted) && reachableActions(statement, iam, partition).count() === iam.count();
}

/** `iam:PassRole (Statement[0] on *) + lambda:CreateFunction (Statement[1] on arn:…)`. */
function describePath(hit: EscalationHit): string {
  return hit.grants
    .map(({ action, grantedBy }) => {
      const where = grantedBy
        .slice(0, 2)
        .map(
          (g) =>
            `${g.statement} on ${g.notResource ? 'NotResource ' : ''}${g.resources.slice(0, 2).join(', ')}${g.resources.length > 2 ? ', …' : ''}`,
        )
        .join('; ');
      return `${action} (${where}${grantedBy.length > 2 ? '; …' : ''})`;
    })
    .join(' + ');
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
    let allOfIam = false;
    for (const { target, judgement } of judged(analysis)) {
      const statements = judgement.unapprovedStatements;
      const partition = partitionOf(target.arn);
      // Paths may combine a new grant with one the baseline already approved (PassRole here, RunInstances there).
      for (const hit of escalationsIn(statements, target.approved, partition ? { partition } : {})) {
        found.push({ principal: targetLabel(target), document: judgement.document.label, hit });
      }
      allOfIam ||= statements.some((s) => allowsAllOfIam(s, partition));
    }
    const [first] = found;
    if (!first) return [];
    const severity: Severity = allOfIam ? 'critical' : 'high';
    const ids = new Set(found.map((f) => f.hit.id));
    const more = ids.size > 1 ? ` (and ${ids.size - 1} more path${ids.size > 2 ? 's' : ''})` : '';
    const several = new Set(found.map((f) => `${f.principal}\u0000${f.document}`)).size > 1;
    return [
      {
        summary: `${analysis.what} opens privilege escalation: ${first.hit.title}: ${describePath(first.hit)}: ${first.hit.why}${more}.`,
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
