/**
 * Which account a remediation runs in. A finding from the function's own account is remediated with its own
 * credentials. A finding forwarded from a member account (infra/member-account.yml) is remediated there,
 * through that account's remediation role (guardrail-remediator), assumed with the ExternalId the role's
 * trust policy requires; the STS client loads with the first such finding. Acting with this account's
 * credentials on another account's user name or instance id would touch a same-named resource here, so it
 * fails closed: when the function's own account is not known (it comes from the invocation context's
 * function ARN), when the finding names no account, or when it names another account and no member role is
 * configured, the finding keeps its `proposed` remediation with a note saying why, and is notified.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { Remediate } from '../../src/actions/index.ts';
import { ActionError } from '../../src/core/errors.ts';
import type { Finding } from '../../src/core/types.ts';
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

/** The account the function runs in, or why it is not known (then nothing is acted on). */
export type OwnAccount =
  | { readonly known: true; readonly account: string }
  | { readonly known: false; readonly reason: string };

const FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:(\d{12}):function:[\w-]{1,64}(?::[\w$-]+)?$/;

/**
 * The function's own account, from the invocation context's `invokedFunctionArn` (Lambda sets it on every
 * invocation). GUARDRAIL_ROLE_ARN's account is only a cross-check: when the two disagree, neither is trusted.
 */
export function ownAccountOf(invokedFunctionArn: string | undefined, roleAccount?: string): OwnAccount {
  if (!invokedFunctionArn) {
    return { known: false, reason: 'the invocation context carries no function ARN' };
  }
  const account = FUNCTION_ARN.exec(invokedFunctionArn)?.[1];
  if (!account) {
    return {
      known: false,
      reason: `the invocation context's function ARN ${JSON.stringify(invokedFunctionArn.slice(0, 200))} names no account`,
    };
  }
  if (roleAccount !== undefined && roleAccount !== account) {
    return {
      known: false,
      reason: `GUARDRAIL_ROLE_ARN names account ${roleAccount} but the function runs in ${account}`,
    };
  }
  return { known: true, account };
}

/** A remediator that must be told, per invocation, which account it runs in. */
export type RemediateInAccount = (finding: Finding, own: OwnAccount) => Promise<Finding>;

export interface AcrossAccountsOptions {
  /** The member accounts' remediation role; undefined: other accounts' findings are notify-only. */
  readonly member: MemberAccess | undefined;
  /** Builds a remediator whose clients use `credentials` (undefined: the function's own). */
  readonly remediatorFor: (credentials?: CredentialsProvider) => Remediate;
  readonly assume?: AssumeRole;
}

function held(finding: Finding, note: string): Finding {
  if (!finding.remediation) return finding;
  return { ...finding, remediation: { ...finding.remediation, note: `not acted on: ${note}` } };
}

export function remediateAcrossAccounts(options: AcrossAccountsOptions): RemediateInAccount {
  const local = options.remediatorFor();
  const members = new Map<string, Remediate>();
  return async (finding, own) => {
    if (finding.remediation?.status !== 'proposed') return finding;
    if (!own.known) return held(finding, `this function's own account is not known (${own.reason})`);
    if (!/^\d{12}$/.test(finding.account)) {
      return held(
        finding,
        `the event names no account to remediate in (account ${JSON.stringify(finding.account.slice(0, 40))})`,
      );
    }
    if (finding.account === own.account) return local(finding);
    if (!options.member) {
      return held(
        finding,
        `the event is from account ${finding.account}, and no member role is configured (GUARDRAIL_MEMBER_ROLE_NAME) to remediate outside ${own.account}`,
      );
    }
    let remediate = members.get(finding.account);
    if (!remediate) {
      remediate = options.remediatorFor(memberCredentials(finding.account, options.member, options.assume));
      members.set(finding.account, remediate);
    }
    return remediate(finding);
  };
}
