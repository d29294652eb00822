import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { describeGroup, groupWitnesses } from '../policy/witnesses.ts';

/** The summary names this many witness lines; details hold them all, folded per statement and resource. */
const SUMMARY_WITNESSES = 3;
/** Individual witnesses in details (the folded groups are complete). */
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
  events: ['PutRolePolicy'],
  remediation: null,
  evaluate(subject, { inputs }) {
    const { role, drift } = inputs.policy;
    if (!role || !drift || drift.newAccess.length === 0) return [];
    const groups = groupWitnesses(drift.newAccess);
    const lines = groupWitnesses(drift.newAccess, false);
    const first = lines
      .slice(0, SUMMARY_WITNESSES)
      .map((line) => describeGroup(line))
      .join('; ');
    const more = lines.length > SUMMARY_WITNESSES ? ` and ${lines.length - SUMMARY_WITNESSES} more` : '';
    const conservative = drift.newAccess.some((w) => w.conservative !== undefined)
      ? ' Part of this verdict is conservative (see details).'
      : '';
    return [
      {
        summary: `Inline policy ${subject.policyName} on ${subject.roleName} grants access outside its baseline: ${first}${more}.${conservative}`,
        resource: subject.roleArn,
        details: {
          roleName: subject.roleName,
          policyName: subject.policyName,
          baselinePath: `roles.${role.name}`,
          newAccessCount: drift.newAccess.length,
          newAccessGroups: groups,
          newAccess: drift.newAccess.slice(0, MAX_WITNESSES),
          coveredStatements: drift.coveredStatements,
          ...(drift.unknownActions.length > 0 ? { unknownActions: drift.unknownActions } : {}),
          ...(drift.notes.length > 0 ? { notes: drift.notes } : {}),
          ...(drift.newAccess.some((w) => w.conservative !== undefined)
            ? {
                conservative: [
                  ...new Set(drift.newAccess.flatMap((w) => (w.conservative ? [w.conservative] : []))),
                ],
              }
            : {}),
        },
      },
    ];
  },
});
