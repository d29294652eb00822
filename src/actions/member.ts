/**
 * Credentials for a member account (infra/member-account.yml): its remediation role (guardrail-remediator),
 * assumed with the ExternalId the role's trust policy requires. The STS client loads with the first member
 * finding; the credentials are kept until shortly before they expire.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { CLIENT_CONFIG } from '../aws/clientConfig.ts';
import { ActionError } from '../core/errors.ts';

/** The call the functions make to reach a member account. */
export const ASSUME_MEMBER_ROLE_PERMISSIONS = ['sts:AssumeRole'] as const;

export interface MemberAccess {
  /** Name of the remediation role in every member account (infra/member-account.yml: guardrail-remediator). */
  readonly roleName: string;
  /** The ExternalId its trust policy requires. Never logged. */
  readonly externalId: string;
  readonly sessionName: string;
}

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
