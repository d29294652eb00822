/**
 * Which account a remediation runs in. A finding from the function's own account is remediated with its own
 * credentials. A finding forwarded from a member account (infra/member-account.yml) is remediated there,
 * through that account's remediation role (guardrail-remediator), assumed with the ExternalId the role's
 * trust policy requires; the STS client loads with the first such finding. Without a member role configured,
 * acting with this account's credentials on another account's user name or instance id would touch a
 * same-named resource here: such a finding keeps its `proposed` remediation with a note, and is notified.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { Remediate } from '../../src/actions/index.ts';
import { ActionError } from '../../src/core/errors.ts';
import type { MemberAccess } from '../config.ts';
import { CLIENT_CONFIG } from './aws.ts';

/** The call the functions make to reach a member account. */
export const ASSUME_MEMBER_ROLE_PERMISSIONS = ['sts:AssumeRole'] as const;

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** An SDK client's `credentials` option: called before each request. */
export type CredentialsProvider = () => Promise<TemporaryCredentials>;

export type AssumeRole = (roleArn: string, access: MemberAccess) => Promise<TemporaryCredentials>;

/** Refresh this long before the session ends, so no request starts with credentials about to expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

let sts: STSClient | undefined;

const assumeWithSts: AssumeRole = async (roleArn, access) => {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  sts ??= new STSClient(CLIENT_CONFIG);
  const reply = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: access.sessionName,
      ExternalId: access.externalId,
      DurationSeconds: 3600,
    }),
  );
  const c = reply.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new ActionError(`sts: AssumeRole ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
};

/** The member role's credentials, assumed on first need and again shortly before they expire. */
export function memberCredentials(
  account: string,
  access: MemberAccess,
  assume: AssumeRole = assumeWithSts,
  now: () => number = Date.now,
): CredentialsProvider {
  const roleArn = `arn:aws:iam::${account}:role/${access.roleName}`;
  let current: TemporaryCredentials | undefined;
  let pending: Promise<TemporaryCredentials> | undefined;
  return () => {
    if (current && current.expiration.getTime() - now() > REFRESH_MARGIN_MS) return Promise.resolve(current);
    pending ??= assume(roleArn, access)
      .then((credentials) => {
        current = credentials;
        return credentials;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

export interface AcrossAccountsOptions {
  /** The function's own account (from GUARDRAIL_ROLE_ARN); undefined: every finding is treated as local. */
  readonly ownAccount: string | undefined;
  /** The member accounts' remediation role; undefined: other accounts' findings are notify-only. */
  readonly member: MemberAccess | undefined;
  /** Builds a remediator whose clients use `credentials` (undefined: the function's own). */
  readonly remediatorFor: (credentials?: CredentialsProvider) => Remediate;
  readonly assume?: AssumeRole;
}

export function remediateAcrossAccounts(options: AcrossAccountsOptions): Remediate {
  const own = options.remediatorFor();
  if (options.ownAccount === undefined) return own;
  const members = new Map<string, Remediate>();
  return async (finding) => {
    const remediation = finding.remediation;
    if (remediation?.status !== 'proposed' || finding.account === options.ownAccount) return own(finding);
    if (!options.member || !/^\d{12}$/.test(finding.account)) {
      return {
        ...finding,
        remediation: {
          ...remediation,
          note: `not acted on: the event is from account ${finding.account || 'unknown'}, and no member role is configured (GUARDRAIL_MEMBER_ROLE_NAME) to remediate outside ${options.ownAccount}`,
        },
      };
    }
    let remediate = members.get(finding.account);
    if (!remediate) {
      remediate = options.remediatorFor(memberCredentials(finding.account, options.member, options.assume));
      members.set(finding.account, remediate);
    }
    return remediate(finding);
  };
}
