/** How the baseline sees a role's trust: the allowance iam.role.trust judges a trust policy against. */
import type { Baseline, RoleBaseline } from '../baseline/baseline.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { accountOf } from '../events/subjects/index.ts';
import type { TrustAllowance } from '../policy/trust.ts';

/** The baseline's own accounts; when it names none, the account the event happened in. */
export function ownAccounts(baseline: Baseline, record: CloudTrailRecord): readonly string[] {
  if (baseline.accounts.length > 0) return baseline.accounts;
  const account = accountOf(record);
  return account ? [account] : [];
}

/**
 * Who may assume a role: exactly what `roles.<name>.trust` lists, or, for a role the baseline does not describe
 * (or describes without a trust section), any service, the own accounts' principals and identity providers.
 */
export function trustAllowance(
  role: RoleBaseline | undefined,
  baseline: Baseline,
  record: CloudTrailRecord,
): TrustAllowance {
  const own = ownAccounts(baseline, record);
  const trust = role?.trust;
  if (!trust) {
    return {
      services: 'any',
      accounts: own,
      principals: [],
      federated: 'own',
      externalId: 'optional',
      ownAccounts: own,
    };
  }
  return {
    services: trust.services,
    accounts: trust.accounts,
    principals: trust.principals,
    federated: trust.federated,
    externalId: trust.externalId,
    ownAccounts: own,
  };
}

/**
 * A call an AWS service made itself through its service-linked role (IAM Identity Center creating the
 * AWSReservedSSO_* roles of a permission set, in /aws-reserved/): nobody in the account chose the role.
 */
export function madeByAwsService(record: CloudTrailRecord): boolean {
  const identity = record.userIdentity;
  if (identity.type === 'AWSService') return true;
  const issuer = identity.sessionContext?.sessionIssuer?.arn ?? '';
  return /^arn:aws[\w-]*:iam::\d{12}:role\/aws-service-role\//.test(issuer);
}
