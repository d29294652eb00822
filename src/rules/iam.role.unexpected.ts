import { findRole, isDeployer, isOwnRole } from '../baseline/baseline.ts';
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
    // The guardrail's deployers create its function roles. A role named like them made by anyone else is
    // reported, louder: it passes for guardrail in people's eyes and in loop prevention's (engine/evaluate.ts).
    const lookalike = isOwnRole(baseline, subject.roleName);
    if (lookalike && isDeployer(baseline, record)) return [];
    // Roles AWS creates through its service-linked role in a reserved path: no one in the account chose them.
    if (RESERVED_PATH.test(subject.path) && madeByAwsService(record)) return [];
    const trustedBy = subject.trust.ok
      ? [...new Set(trustGrants(subject.trust.policy).map((g) => g.principal.text))]
      : null;
    if (lookalike) {
      return [
        {
          severity: 'high',
          summary: `${shortPrincipal(actor)} created role ${subject.roleName}, named like guardrail's own roles (guardrail.ownRoles), and is not one of guardrail.deployers: guardrail takes some calls of such a role for its own.`,
          nextSteps: [
            "If this is guardrail's own deployment, add the deploying principal to guardrail.deployers in the baseline.",
            'Otherwise delete the role and find out who made it, why, and what else it did with it: a role made to pass for guardrail is rarely made for nothing.',
          ],
          resource: subject.roleArn,
          details: {
            roleName: subject.roleName,
            path: subject.path,
            trustedBy,
            ownRoles: baseline.ownRoles,
            deployers:
              baseline.deployers.length > 0 ? baseline.deployers : 'none named (guardrail.deployers)',
          },
        },
      ];
    }
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
