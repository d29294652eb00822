import { findRole } from '../baseline/baseline.ts';
import type { RuleMatch } from '../core/rule.ts';
import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import type { TrustExcess } from '../policy/trust.ts';
import { judgeTrust } from '../policy/trust.ts';
import { trustAllowance } from './roles.ts';
import { shortPrincipal } from './users.ts';

/** Excess kinds that let strangers in without any account of theirs being named. */
const CRITICAL = new Set<TrustExcess['kind']>(['anyone', 'open-federation']);

export const roleTrust = defineRule({
  id: RuleId.roleTrust,
  title: 'Role trust policy lets others assume it',
  rationale:
    'Whoever a role trusts can take its permissions: a trust policy opened to another account, to everyone or to a whole identity provider is a backdoor that survives every password and key rotation.',
  nextSteps: [
    'Put the previous trust policy back: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json.',
    'If the new principal is wanted, add it to roles.ROLE.trust in the baseline through review (cross-account: require sts:ExternalId).',
    'Check CloudTrail for AssumeRole calls on this role since the change.',
  ],
  severity: 'high',
  events: ['CreateRole', 'UpdateAssumeRolePolicy'],
  remediation: null,
  evaluate(subject, { record, baseline, actor }) {
    const role = findRole(baseline, subject.roleName);
    const baselinePath = role?.trust ? `roles.${role.name}.trust` : null;
    const who = shortPrincipal(actor);
    const what =
      subject.kind === 'CreateRole'
        ? `${who} created role ${subject.roleName}, whose trust policy`
        : `${who} changed the trust policy of role ${subject.roleName}; it now`;
    if (!subject.trust.ok) {
      const match: RuleMatch = {
        summary: `${who} ${subject.kind === 'CreateRole' ? 'created' : 'changed the trust policy of'} role ${subject.roleName}, but the trust policy cannot be read (${subject.trust.reason}): who may assume the role is unknown.`,
        resource: subject.roleArn,
        severity: 'medium',
        details: { roleName: subject.roleName, baselinePath, unreadable: subject.trust.reason },
      };
      return [match];
    }
    const allowance = trustAllowance(role, baseline, record);
    const excess = judgeTrust(subject.trust.policy, allowance);
    if (excess.length === 0) return [];
    const severity: Severity = excess.some((e) => CRITICAL.has(e.kind)) ? 'critical' : 'high';
    const against = baselinePath ?? `the baseline's own accounts (${allowance.ownAccounts.join(', ')})`;
    const first = excess[0] as TrustExcess;
    const more = excess.length > 1 ? ` and ${excess.length - 1} more` : '';
    return [
      {
        summary: `${what} ${first.reason}${more} (beyond ${against}).`,
        resource: subject.roleArn,
        severity,
        details: {
          roleName: subject.roleName,
          baselinePath,
          allowed: role?.trust
            ? {
                services: allowance.services,
                accounts: allowance.accounts,
                principals: allowance.principals,
                federated: allowance.federated,
                externalId: allowance.externalId,
              }
            : { ownAccounts: allowance.ownAccounts },
          excess,
        },
      },
    ];
  },
});
