import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { globMatch } from '../policy/glob.ts';
import { escalationsIn } from '../policy/privesc.ts';
import { analyzePolicy } from './policyAnalysis.ts';

export const policyPrivesc = defineRule({
  id: RuleId.policyPrivesc,
  title: 'Role policy allows privilege escalation',
  rationale:
    'These actions let whoever holds the role give themselves more: new policies, new keys, other roles. One compromised workload becomes the whole account.',
  nextSteps: [
    'Remove the escalation actions, or scope them to the exact roles, users and policies the workload manages.',
    'Add a permissions boundary to roles that must keep them.',
  ],
  severity: 'high',
  eventSource: 'iam.amazonaws.com',
  eventName: 'PutRolePolicy',
  remediation: null,
  permissions: [],
  evaluate(subject, { baseline }) {
    const { unapprovedStatements } = analyzePolicy(subject, baseline);
    const hits = escalationsIn(unapprovedStatements);
    if (hits.length === 0) return [];
    const iamWide = unapprovedStatements.some(
      (s) =>
        s.effect === 'Allow' &&
        !s.actions.negated &&
        s.actions.patterns.some((p) => globMatch(p, 'iam:*', true) || p === '*'),
    );
    const severity: Severity = iamWide ? 'critical' : 'high';
    const actions = [...new Set(hits.map((hit) => hit.action))];
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName} allows privilege escalation through ${actions.join(', ')}.`,
        resource: subject.roleArn,
        severity,
        details: { roleName: subject.roleName, policyName: subject.policyName, escalations: hits },
      },
    ];
  },
});
