/**
 * IAM user events: CreateUser, CreateAccessKey.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors } from './common.ts';
import { accountOf, invalidName, isObject, missing, str } from './common.ts';

export const IAM_USER_EVENTS = {
  CreateUser: 'iam.amazonaws.com',
  CreateAccessKey: 'iam.amazonaws.com',
} as const;

export interface CreateUserSubject {
  readonly kind: 'CreateUser';
  readonly userName: string;
  readonly userArn: string;
  readonly tags: readonly { readonly key: string; readonly value: string }[];
}

export interface CreateAccessKeySubject {
  readonly kind: 'CreateAccessKey';
  /** The user the key belongs to; null when it is the account root's own key. */
  readonly userName: string | null;
  readonly userArn: string;
  readonly accessKeyId?: string;
  /** True when the caller created the key for itself (no userName in the request). */
  readonly forSelf: boolean;
}

export type IamUserSubject = CreateUserSubject | CreateAccessKeySubject;

function createUser(record: CloudTrailRecord): Extracted<CreateUserSubject> {
  const userName = str(record.requestParameters, 'userName');
  if (!userName) return missing('requestParameters.userName');
  const badName = invalidName('requestParameters.userName', userName);
  if (badName) return badName;
  const path = str(record.requestParameters, 'path') ?? '/';
  if (path.length > 512) return { ok: false, reason: 'requestParameters.path: longer than 512 characters' };
  const user = record.responseElements?.user;
  const userArn =
    (isObject(user) && str(user, 'arn')) || `arn:aws:iam::${accountOf(record)}:user${path}${userName}`;
  const rawTags = record.requestParameters?.tags;
  const tags = Array.isArray(rawTags)
    ? rawTags.filter(isObject).map((tag) => ({
        key: String(tag.key ?? tag.Key ?? ''),
        value: String(tag.value ?? tag.Value ?? ''),
      }))
    : [];
  return { ok: true, subject: { kind: 'CreateUser', userName, userArn, tags } };
}

function createAccessKey(record: CloudTrailRecord): Extracted<CreateAccessKeySubject> {
  const accessKey = record.responseElements?.accessKey;
  const fromResponse = isObject(accessKey) ? str(accessKey, 'userName') : undefined;
  const requested = str(record.requestParameters, 'userName');
  const identity = record.userIdentity;
  const account = accountOf(record);
  const accessKeyId = isObject(accessKey) ? str(accessKey, 'accessKeyId') : undefined;
  const base = {
    kind: 'CreateAccessKey' as const,
    forSelf: requested === undefined,
    ...(accessKeyId ? { accessKeyId } : {}),
  };
  const userName = fromResponse ?? requested ?? (identity.type === 'IAMUser' ? identity.userName : undefined);
  if (userName)
    return { ok: true, subject: { ...base, userName, userArn: `arn:aws:iam::${account}:user/${userName}` } };
  if (identity.type === 'Root')
    return { ok: true, subject: { ...base, userName: null, userArn: `arn:aws:iam::${account}:root` } };
  return {
    ok: false,
    reason: 'requestParameters.userName: missing, and the caller is not an IAM user or root',
  };
}

export const IAM_USER_EXTRACTORS: Extractors<IamUserSubject> = {
  CreateUser: createUser,
  CreateAccessKey: createAccessKey,
};
