import { findRole, isOwnRole } from '../baseline/baseline.ts';
import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { trustGrants } from '../policy/trust.ts';
import { madeByAwsService } from './roles.ts';
import { shortPrincipal } from './users.ts';

/** Paths IAM reserves for roles AWS creates itself (service-linked roles, Identity Center's permission sets). */
const RESERVED_PATH = /^\/aws-(?:reserved|service-role)\//;

export const roleUnexpected = defineRule({
  id: RuleId.roleUnexpected,
  title: 'Unexpected IAM role created',
  rationale:
    'A role nobody described is unreviewed access: attackers create roles to come back later, and abandoned per-run roles keep their permissions long after the run.',
  nextSteps: [
    'Confirm with the creator that the role is wanted and who it trusts.',
    'If it is, add it to roles in the baseline (a name pattern with * covers roles made per run); if not, delete its policies and the role.',
  ],
  severity: 'medium',
  events: ['CreateRole'],
  remediation: null,
  evaluate(subject, { record, baseline, actor }) {
    if (findRole(baseline, subject.roleName)) return [];
    // The guardrail's own stack creates its function roles; guardrail.tamper judges who changes that stack.
    if (isOwnRole(baseline, subject.roleName)) return [];
    // Roles AWS creates through its service-linked role in a reserved path: no one in the account chose them.
    if (RESERVED_PATH.test(subject.path) && madeByAwsService(record)) return [];
    const trustedBy = subject.trust.ok
      ? [...new Set(trustGrants(subject.trust.policy).map((g) => g.principal.text))]
      : null;
    return [
      {
        summary: `${shortPrincipal(actor)} created role ${subject.roleName}, which the baseline neither lists nor matches by a name pattern.`,
        resource: subject.roleArn,
        details: {
          roleName: subject.roleName,
          path: subject.path,
          trustedBy,
          ...(subject.permissionsBoundary ? { permissionsBoundary: subject.permissionsBoundary } : {}),
        },
      },
    ];
  },
});
