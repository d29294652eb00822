import { findRole } from '../baseline/baseline.ts';
import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { describeStatement } from './policyAnalysis.ts';

export const policyNoBaseline = defineRule({
  id: RuleId.policyNoBaseline,
  title: 'Inline policy put on a role the baseline does not know',
  rationale:
    'Nobody has said what this role may do, so no change to it can be checked; unknown roles with inline policies are where permissions accumulate unseen.',
  nextSteps: [
    'Find the owner of the role and add it under roles in the baseline with its intended permissions.',
    'If the role should not exist, remove it.',
  ],
  severity: 'medium',
  events: ['PutRolePolicy'],
  remediation: null,
  evaluate(subject, { baseline }) {
    if (findRole(baseline, subject.roleName)) return [];
    return [
      {
        summary: `Inline policy ${subject.policyName} was put on ${subject.roleName}, a role with no baseline.`,
        resource: subject.roleArn,
        details: {
          roleName: subject.roleName,
          policyName: subject.policyName,
          statements: subject.policy.statements.map(describeStatement),
        },
      },
    ];
  },
});
