/**
 * The sweep's adapter: reads the account's IAM users into an AccountSnapshot. Pages through ListUsers, then
 * reads each user's tags, keys and key last-use with at most `concurrency` users in flight (IAM throttles
 * per account; the client's adaptive retry backs off). A user that cannot be read is listed as unreadable
 * and the others go on; only a failing ListUsers fails the sweep.
 */
import type { IAMClient, User } from '@aws-sdk/client-iam';
import {
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
  ListUserTagsCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.ts';
import { mapLimit } from '../util/mapLimit.ts';
import type { AccessKeySnapshot, AccountSnapshot, UnreadableUser, UserSnapshot } from './snapshot.ts';

/** The calls this adapter makes: the orphan sweep's reads (its tagging is the tag-orphaned action's). */
export const SWEEP_READ_PERMISSIONS = [
  'iam:ListUsers',
  'iam:ListUserTags',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
] as const;

export interface FetchOptions {
  /** Users read in parallel (default 4: IAM's read quotas are per account and shared with everyone else). */
  readonly concurrency?: number;
  /** When the snapshot is taken (default: now). */
  readonly now?: Date;
}

function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

async function userTags(iam: IAMClient, userName: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListUserTagsCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return tags;
}

async function accessKeys(iam: IAMClient, userName: string): Promise<AccessKeySnapshot[]> {
  const keys: AccessKeySnapshot[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListAccessKeysCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const key of page.AccessKeyMetadata ?? []) {
      if (!key.AccessKeyId) continue;
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId }));
      const lastUsedAt = iso(used.AccessKeyLastUsed?.LastUsedDate);
      keys.push({
        accessKeyId: key.AccessKeyId,
        status: key.Status ?? 'Active',
        createdAt: iso(key.CreateDate) ?? '',
        ...(lastUsedAt ? { lastUsedAt } : {}),
      });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return keys;
}

function accountOfArn(arn: string | undefined): string {
  return /^arn:[^:]+:iam::(\d{12}):/.exec(arn ?? '')?.[1] ?? 'unknown';
}

export async function fetchAccountSnapshot(
  iam: IAMClient,
  options: FetchOptions = {},
): Promise<AccountSnapshot> {
  const takenAt = (options.now ?? new Date()).toISOString();
  const listed: User[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) listed.push(...(page.Users ?? []));

  const read = await mapLimit(
    listed,
    options.concurrency ?? 4,
    async (user): Promise<UserSnapshot | UnreadableUser> => {
      const userName = user.UserName ?? '';
      try {
        const [tags, keys] = [await userTags(iam, userName), await accessKeys(iam, userName)];
        const passwordLastUsedAt = iso(user.PasswordLastUsed);
        return {
          userName,
          arn: user.Arn ?? '',
          createdAt: iso(user.CreateDate) ?? takenAt,
          ...(passwordLastUsedAt ? { passwordLastUsedAt } : {}),
          tags,
          accessKeys: keys,
        };
      } catch (error) {
        return { userName, error: describeAwsError(error) };
      }
    },
  );
  const users = read.filter((item): item is UserSnapshot => 'arn' in item);
  const unreadable = read.filter((item): item is UnreadableUser => 'error' in item);
  return { account: accountOfArn(listed[0]?.Arn), takenAt, users, unreadable };
}
