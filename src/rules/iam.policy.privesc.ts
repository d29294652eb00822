import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { actionSetOfPatterns } from '../policy/catalogue.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import type { EscalationHit } from '../policy/privesc.ts';
import { escalationsIn } from '../policy/privesc.ts';
import { reachableActions } from '../policy/reach.ts';
import { partitionOf } from './policyAnalysis.ts';

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
    const partition = partitionOf(subject.roleArn);
    // Paths may combine a new grant with one the baseline already approved (PassRole here, RunInstances there).
    const hits = escalationsIn(unapprovedStatements, role?.statements ?? [], partition ? { partition } : {});
    if (hits.length === 0) return [];
    const severity: Severity = unapprovedStatements.some((s) => allowsAllOfIam(s, partition))
      ? 'critical'
      : 'high';
    const [firstHit] = hits;
    const more = hits.length > 1 ? ` (and ${hits.length - 1} more path${hits.length > 2 ? 's' : ''})` : '';
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName} opens privilege escalation: ${firstHit?.title}: ${firstHit ? describePath(firstHit) : ''}: ${firstHit?.why}${more}.`,
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
