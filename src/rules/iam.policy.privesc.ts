import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { actionCatalogue, actionSetOfPatterns } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { escalationsIn } from '../policy/privesc.ts';

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
  title: 'Role policy allows privilege escalation',
  rationale:
    'These permissions let whoever holds the role give themselves more: new policies, new keys, other roles, code running as a stronger role. One compromised workload becomes the whole account.',
  nextSteps: [
    'Remove the escalation actions, or scope them to the exact roles, users and policies the workload manages.',
    'Add a permissions boundary to roles that must keep them.',
  ],
  severity: 'high',
  events: ['PutRolePolicy'],
  remediation: null,
  evaluate(subject, { inputs }) {
    const { role, unapprovedStatements } = inputs.policy;
    // Paths may combine a new grant with one the baseline already approved (PassRole here, RunInstances there).
    const hits = escalationsIn(unapprovedStatements, role?.statements ?? []);
    if (hits.length === 0) return [];
    const severity: Severity = unapprovedStatements.some(allowsAllOfIam) ? 'critical' : 'high';
    const [firstHit] = hits;
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more path${hits.length > 2 ? 's' : ''})` : '';
    const actions = firstHit ? firstHit.grants.map((g) => g.action).join(' + ') : '';
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName} opens privilege escalation: ${firstHit?.title} (${actions}): ${firstHit?.why}${more}.`,
        resource: subject.roleArn,
        severity,
        details: {
          roleName: subject.roleName,
          policyName: subject.policyName,
          escalations: hits,
        },
      },
    ];
  },
});
