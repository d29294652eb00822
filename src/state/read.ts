/**
 * Reads the account's current state (state.ts) with as few calls as the data allows, so a scan of 10,000
 * users and 2,000 roles fits in one Lambda run:
 *
 * - IAM `GetAccountAuthorizationDetails`, pages of 1,000 (users with their tags, groups, inline and attached
 *   policies and boundary; roles with their trust policy too; groups; customer-managed policies with every
 *   version). AWS managed policies are not listed (thousands, with every version): the ones a principal carries
 *   are read with `GetPolicy` + `GetPolicyVersion`.
 * - The credential report (`GenerateCredentialReport`, polled, then `GetCredentialReport`): every user's
 *   password and key dates in one CSV, the root user's keys too. IAM reuses a report for up to four hours.
 * - `ListAccessKeys` only for the users the report shows holding a key (the report has no key ids).
 * - Per region: EC2 `DescribeInstances` (pending and running) and `GetInstanceMetadataDefaults`.
 *
 * Per-user, per-policy and per-region reads run with at most `concurrency` in flight (the clients' adaptive
 * retry backs off when IAM throttles). A part that cannot be read becomes a problem in the state (named, and
 * not judged); only a failing GetAccountAuthorizationDetails fails the read.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.ts';
import { decodeIamDocument } from '../policy/parse.ts';
import { SourceError } from '../replay/errors.ts';
import { mapLimit } from '../util/mapLimit.ts';
import type { CredentialRow } from './credentialReport.ts';
import { parseCredentialReport } from './credentialReport.ts';
import type { Ec2ClientOf } from './readEc2.ts';
import { EC2_STATE_PERMISSIONS, readRegion } from './readEc2.ts';
import type {
  AccessKeyState,
  AccountState,
  AttachedPolicy,
  AwsManagedPolicyState,
  GroupState,
  InlinePolicy,
  ManagedPolicyState,
  RoleState,
  StateProblem,
  UserState,
} from './state.ts';

/** The IAM calls this module makes. */
export const IAM_STATE_PERMISSIONS = [
  'iam:GetAccountAuthorizationDetails',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:ListAccessKeys',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
] as const;

/** Every call the reader makes, for the scan function's role (the infra tests hold the role to exactly these). */
export const STATE_READ_PERMISSIONS = [...IAM_STATE_PERMISSIONS, ...EC2_STATE_PERMISSIONS] as const;

/** GetAccountAuthorizationDetails' largest page. */
export const PAGE_SIZE = 1000;

export interface StateClients {
  readonly iam: IAMClient;
  /** The EC2 client of a region (built once per region by the caller). */
  readonly ec2: Ec2ClientOf;
}

export interface ReadOptions {
  /** Regions whose instances and metadata defaults are read; none: IAM only. */
  readonly regions: readonly string[];
  /** Reads in flight at once (default 4: IAM's quotas are per account and shared with everyone else). */
  readonly concurrency?: number;
  readonly now?: Date;
  /** The account, when the caller knows it (else read from the ARNs IAM returns). */
  readonly account?: string;
  /** How long to wait between credential report polls (default 2 s) and how many polls at most (default 30). */
  readonly reportPoll?: { readonly delayMs: number; readonly attempts: number };
  /** Told of each step, for a progress line. */
  readonly onProgress?: (message: string) => void;
}

function iso(date: Date | undefined): string | undefined {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

/** IAM returns policy documents URL-encoded (RFC 3986); CloudTrail and the baseline carry plain JSON. */
export function decodeDocument(text: string | undefined): string | undefined {
  return text === undefined ? undefined : decodeIamDocument(text);
}

function tagsOf(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key) out[tag.Key] = tag.Value ?? '';
  return out;
}

function inline(
  list: readonly { PolicyName?: string; PolicyDocument?: string }[] | undefined,
): InlinePolicy[] {
  return (list ?? []).flatMap((policy) => {
    const document = decodeDocument(policy.PolicyDocument);
    return policy.PolicyName && document ? [{ name: policy.PolicyName, document }] : [];
  });
}

function attached(
  list: readonly { PolicyName?: string; PolicyArn?: string }[] | undefined,
): AttachedPolicy[] {
  return (list ?? []).flatMap((policy) =>
    policy.PolicyArn
      ? [{ arn: policy.PolicyArn, name: policy.PolicyName ?? policy.PolicyArn.split('/').pop() ?? '' }]
      : [],
  );
}

interface Authorization {
  readonly users: Omit<UserState, 'credentials'>[];
  readonly roles: RoleState[];
  readonly groups: GroupState[];
  readonly policies: ManagedPolicyState[];
  readonly pages: number;
}

async function readAuthorization(
  iam: IAMClient,
  onProgress?: (message: string) => void,
): Promise<Authorization> {
  const users: Omit<UserState, 'credentials'>[] = [];
  const roles: RoleState[] = [];
  const groups: GroupState[] = [];
  const policies: ManagedPolicyState[] = [];
  let pages = 0;
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new GetAccountAuthorizationDetailsCommand({
        Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'],
        MaxItems: PAGE_SIZE,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    pages += 1;
    for (const user of page.UserDetailList ?? []) {
      if (!user.UserName || !user.Arn) continue;
      const createdAt = iso(user.CreateDate);
      users.push({
        userName: user.UserName,
        ...(user.UserId ? { userId: user.UserId } : {}),
        arn: user.Arn,
        path: user.Path ?? '/',
        ...(createdAt ? { createdAt } : {}),
        tags: tagsOf(user.Tags),
        inlinePolicies: inline(user.UserPolicyList),
        attachedPolicies: attached(user.AttachedManagedPolicies),
        groups: [...(user.GroupList ?? [])],
        ...(user.PermissionsBoundary?.PermissionsBoundaryArn
          ? { boundary: user.PermissionsBoundary.PermissionsBoundaryArn }
          : {}),
      });
    }
    for (const role of page.RoleDetailList ?? []) {
      if (!role.RoleName || !role.Arn) continue;
      const createdAt = iso(role.CreateDate);
      const lastUsedAt = iso(role.RoleLastUsed?.LastUsedDate);
      const trustPolicy = decodeDocument(role.AssumeRolePolicyDocument);
      roles.push({
        roleName: role.RoleName,
        ...(role.RoleId ? { roleId: role.RoleId } : {}),
        arn: role.Arn,
        path: role.Path ?? '/',
        ...(createdAt ? { createdAt } : {}),
        ...(trustPolicy ? { trustPolicy } : {}),
        inlinePolicies: inline(role.RolePolicyList),
        attachedPolicies: attached(role.AttachedManagedPolicies),
        ...(role.PermissionsBoundary?.PermissionsBoundaryArn
          ? { boundary: role.PermissionsBoundary.PermissionsBoundaryArn }
          : {}),
        tags: tagsOf(role.Tags),
        ...(lastUsedAt ? { lastUsedAt } : {}),
      });
    }
    for (const group of page.GroupDetailList ?? []) {
      if (!group.GroupName || !group.Arn) continue;
      const createdAt = iso(group.CreateDate);
      groups.push({
        groupName: group.GroupName,
        arn: group.Arn,
        path: group.Path ?? '/',
        ...(createdAt ? { createdAt } : {}),
        inlinePolicies: inline(group.GroupPolicyList),
        attachedPolicies: attached(group.AttachedManagedPolicies),
      });
    }
    for (const policy of page.Policies ?? []) {
      // The name is the ARN's last part (moto leaves PolicyName out of this reply).
      const name = policy.PolicyName ?? policy.Arn?.slice(policy.Arn.lastIndexOf('/') + 1);
      if (!name || !policy.Arn || !policy.DefaultVersionId) continue;
      const createdAt = iso(policy.CreateDate);
      const updatedAt = iso(policy.UpdateDate);
      policies.push({
        name,
        arn: policy.Arn,
        path: policy.Path ?? '/',
        ...(policy.Description ? { description: policy.Description } : {}),
        defaultVersionId: policy.DefaultVersionId,
        ...(createdAt ? { createdAt } : {}),
        ...(updatedAt ? { updatedAt } : {}),
        versions: (policy.PolicyVersionList ?? []).flatMap((version) => {
          const document = decodeDocument(version.Document);
          const versionCreatedAt = iso(version.CreateDate);
          return version.VersionId && document
            ? [
                {
                  versionId: version.VersionId,
                  document,
                  isDefault:
                    version.IsDefaultVersion === true || version.VersionId === policy.DefaultVersionId,
                  ...(versionCreatedAt ? { createdAt: versionCreatedAt } : {}),
                },
              ]
            : [];
        }),
      });
    }
    onProgress?.(
      `IAM authorization details page ${pages}: ${users.length} users, ${roles.length} roles, ${groups.length} groups, ${policies.length} policies so far`,
    );
    // IAM may return fewer than MaxItems with more to come: only IsTruncated says when it is done.
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return { users, roles, groups, policies, pages };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The credential report, generated if IAM holds none fresh enough. */
async function readCredentialReport(
  iam: IAMClient,
  poll: { readonly delayMs: number; readonly attempts: number },
): Promise<{ readonly rows: CredentialRow[]; readonly generatedAt?: string }> {
  for (let attempt = 1; ; attempt++) {
    const generated = await iam.send(new GenerateCredentialReportCommand({}));
    if (generated.State === 'COMPLETE') break;
    if (attempt >= poll.attempts)
      throw new Error(
        `the credential report was still ${generated.State ?? 'not ready'} after ${attempt} polls`,
      );
    await sleep(poll.delayMs);
  }
  const report = await iam.send(new GetCredentialReportCommand({}));
  const content = report.Content ? new TextDecoder().decode(report.Content) : '';
  const generatedAt = iso(report.GeneratedTime);
  return { rows: parseCredentialReport(content), ...(generatedAt ? { generatedAt } : {}) };
}

/** A user's keys, with the last use the report gives each (matched by creation time: the report has no ids). */
async function accessKeysOf(iam: IAMClient, userName: string, row: CredentialRow): Promise<AccessKeyState[]> {
  const keys: AccessKeyState[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListAccessKeysCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const key of page.AccessKeyMetadata ?? []) {
      if (!key.AccessKeyId) continue;
      const createdAt = iso(key.CreateDate);
      const slot = row.keys.find(
        (k) => k.createdAt !== undefined && createdAt !== undefined && sameSecond(k.createdAt, createdAt),
      );
      keys.push({
        accessKeyId: key.AccessKeyId,
        status: key.Status === 'Inactive' ? 'Inactive' : 'Active',
        ...(createdAt ? { createdAt } : {}),
        ...(slot?.lastUsedAt ? { lastUsedAt: slot.lastUsedAt } : {}),
      });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return keys;
}

function sameSecond(a: string, b: string): boolean {
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}

const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

/** The account and partition the ARNs IAM returned belong to. */
function accountOfArns(arns: readonly string[]): { account?: string; partition?: string } {
  for (const arn of arns) {
    const match = /^arn:(aws[\w-]*):iam::(\d{12}):/.exec(arn);
    if (match) return { partition: match[1] as string, account: match[2] as string };
  }
  return {};
}

export async function readAccountState(clients: StateClients, options: ReadOptions): Promise<AccountState> {
  const takenAt = (options.now ?? new Date()).toISOString();
  const concurrency = options.concurrency ?? 4;
  const progress = options.onProgress;
  const problems: StateProblem[] = [];
  let authorization: Authorization;
  try {
    authorization = await readAuthorization(clients.iam, progress);
  } catch (error) {
    // Without the principals there is nothing to judge: the scan cannot start.
    throw new SourceError(`IAM GetAccountAuthorizationDetails: ${describeAwsError(error)}`, { cause: error });
  }
  const arns = [...authorization.users, ...authorization.roles].map((p) => p.arn);
  const found = accountOfArns(arns);
  let account = options.account ?? found.account;
  const partition = found.partition ?? 'aws';

  let report: Awaited<ReturnType<typeof readCredentialReport>> | undefined;
  try {
    report = await readCredentialReport(clients.iam, options.reportPoll ?? { delayMs: 2000, attempts: 30 });
    progress?.(`credential report: ${report.rows.length} rows`);
  } catch (error) {
    problems.push({
      what: 'the credential report (passwords and access keys)',
      error: describeAwsError(error),
    });
  }
  const rows = new Map((report?.rows ?? []).map((row) => [row.user, row]));
  let notInReport = 0;
  const users = await mapLimit(authorization.users, concurrency, async (user): Promise<UserState> => {
    const row = rows.get(user.userName);
    if (!report) return user;
    if (!row) {
      notInReport += 1;
      return user;
    }
    try {
      const accessKeys = row.keys.length > 0 ? await accessKeysOf(clients.iam, user.userName, row) : [];
      return {
        ...user,
        credentials: {
          passwordEnabled: row.passwordEnabled,
          ...(row.passwordLastUsedAt ? { passwordLastUsedAt: row.passwordLastUsedAt } : {}),
          accessKeys,
        },
      };
    } catch (error) {
      problems.push({ what: `the access keys of ${user.userName}`, error: describeAwsError(error) });
      return user;
    }
  });
  if (notInReport > 0 && report) {
    problems.push({
      what: `the password and keys of ${notInReport} user(s) created after the credential report`,
      error: `the report was generated at ${report.generatedAt ?? 'an unknown time'}; IAM makes a new one at most every four hours, and the next scan judges them`,
    });
  }
  const root = report?.rows.find((row) => row.user === '<root_account>');

  const awsArns = [
    ...new Set(
      [...authorization.users, ...authorization.roles, ...authorization.groups]
        .flatMap((p) => p.attachedPolicies.map((a) => a.arn))
        .filter((arn) => AWS_MANAGED.test(arn)),
    ),
  ].sort();
  const awsManaged = await mapLimit(
    awsArns,
    concurrency,
    async (arn): Promise<AwsManagedPolicyState | undefined> => {
      try {
        const policy = await clients.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const versionId = policy.Policy?.DefaultVersionId;
        if (!versionId) throw new Error('GetPolicy returned no default version');
        const version = await clients.iam.send(
          new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
        );
        const document = decodeDocument(version.PolicyVersion?.Document);
        if (!document) throw new Error('GetPolicyVersion returned no document');
        return { arn, name: policy.Policy?.PolicyName ?? arn.split('/').pop() ?? arn, versionId, document };
      } catch (error) {
        problems.push({ what: `the AWS managed policy ${arn}`, error: describeAwsError(error) });
        return undefined;
      }
    },
  );

  const regionProblems: StateProblem[] = [];
  const regions = await mapLimit([...options.regions].sort(), concurrency, (region) =>
    readRegion(clients.ec2(region), region, regionProblems),
  );
  problems.push(...regionProblems.sort((a, b) => (a.what < b.what ? -1 : 1)));
  // An account without users or roles still names itself as the owner of its instances.
  account ??= regions.flatMap((r) => r.instances).find((i) => i.ownerId)?.ownerId ?? 'unknown';
  return {
    account,
    partition,
    takenAt,
    users,
    roles: authorization.roles,
    groups: authorization.groups,
    policies: authorization.policies,
    awsManagedPolicies: awsManaged.filter((p): p is AwsManagedPolicyState => p !== undefined),
    ...(root
      ? {
          rootAccessKeys: root.keys
            .filter((key) => key.active)
            .map((key) => ({
              slot: key.slot,
              ...(key.createdAt ? { createdAt: key.createdAt } : {}),
              ...(key.lastUsedAt ? { lastUsedAt: key.lastUsedAt } : {}),
            })),
        }
      : report
        ? { rootAccessKeys: [] }
        : {}),
    ...(report?.generatedAt ? { credentialReportAt: report.generatedAt } : {}),
    regions,
    problems,
  };
}
