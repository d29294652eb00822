import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { analyzePolicy } from './policyAnalysis.ts';

/** Findings list at most this many witnesses; the count says how many there were. */
const MAX_WITNESSES = 50;

export const policyDrift = defineRule({
  id: RuleId.policyDrift,
  title: 'Role policy grants access outside its baseline',
  rationale:
    'The role can now do something its baseline never allowed: least privilege erodes one inline policy at a time, and the widened role is what an attacker on the workload inherits.',
  nextSteps: [
    'Compare the new statements with the role baseline (guardrail policy diff).',
    'If the change is wanted, widen the role in the baseline through review; otherwise put the previous policy back.',
  ],
  severity: 'high',
  eventSource: 'iam.amazonaws.com',
  eventName: 'PutRolePolicy',
  remediation: null,
  permissions: [],
  evaluate(subject, { baseline }) {
    const { role, drift } = analyzePolicy(subject, baseline);
    if (!role || !drift || drift.newAccess.length === 0) return [];
    const first = drift.newAccess
      .slice(0, 3)
      .map((w) => `${w.action} on ${w.resource}`)
      .join('; ');
    const more = drift.newAccess.length > 3 ? ` and ${drift.newAccess.length - 3} more` : '';
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName} grants access outside its baseline: ${first}${more}.`,
        resource: subject.roleArn,
        details: {
          roleName: subject.roleName,
          policyName: subject.policyName,
          baselinePath: `roles.${role.name}`,
          newAccessCount: drift.newAccess.length,
          newAccess: drift.newAccess.slice(0, MAX_WITNESSES),
          coveredStatements: drift.coveredStatements,
          ...(drift.notes.length > 0 ? { conservative: drift.notes } : {}),
        },
      },
    ];
  },
});
