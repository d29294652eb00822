/**
 * IAM user events: CreateUser, CreateAccessKey, console passwords (CreateLoginProfile, UpdateLoginProfile),
 * and the key changes the offline knowledge learns from (DeleteAccessKey, UpdateAccessKey).
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { Extracted, Extractors } from './common.ts';
import { accountOf, invalidName, isObject, missing, str } from './common.ts';

export const IAM_USER_EVENTS = {
  CreateUser: 'iam.amazonaws.com',
  CreateAccessKey: 'iam.amazonaws.com',
  CreateLoginProfile: 'iam.amazonaws.com',
  UpdateLoginProfile: 'iam.amazonaws.com',
  DeleteAccessKey: 'iam.amazonaws.com',
  UpdateAccessKey: 'iam.amazonaws.com',
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

/**
 * A console password created or changed. Only names and flags are read from the record: CloudTrail never
 * logs the password, and should a malformed record carry one, no field of this subject can hold it.
 */
interface LoginProfileFields {
  /** The user whose password it is; null for the account root (an AssumeRoot session). */
  readonly userName: string | null;
  readonly userArn: string;
  /** True when the request named no user: the caller's own password. */
  readonly forSelf: boolean;
  readonly passwordResetRequired?: boolean;
}
export interface CreateLoginProfileSubject extends LoginProfileFields {
  readonly kind: 'CreateLoginProfile';
}
export interface UpdateLoginProfileSubject extends LoginProfileFields {
  readonly kind: 'UpdateLoginProfile';
}
export type LoginProfileSubject = CreateLoginProfileSubject | UpdateLoginProfileSubject;

/** A key deleted or switched on or off (learned offline: which keys a user still holds). */
export interface DeleteAccessKeySubject {
  readonly kind: 'DeleteAccessKey';
  readonly userName: string;
  readonly accessKeyId: string;
}
export interface UpdateAccessKeySubject {
  readonly kind: 'UpdateAccessKey';
  readonly userName: string;
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
}
export type AccessKeyChangeSubject = DeleteAccessKeySubject | UpdateAccessKeySubject;

export type IamUserSubject =
  | CreateUserSubject
  | CreateAccessKeySubject
  | LoginProfileSubject
  | AccessKeyChangeSubject;

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

function loginProfile<K extends LoginProfileSubject['kind']>(
  kind: K,
): (record: CloudTrailRecord) => Extracted<Extract<LoginProfileSubject, { kind: K }>> {
  return (record) => {
    const profile = record.responseElements?.loginProfile;
    const requested = str(record.requestParameters, 'userName');
    const identity = record.userIdentity;
    const userName =
      (isObject(profile) ? str(profile, 'userName') : undefined) ??
      requested ??
      (identity.type === 'IAMUser' ? identity.userName : undefined);
    // CloudTrail Lake keeps request fields as text: "false" there is false here.
    const raw = record.requestParameters?.passwordResetRequired;
    const reset = raw === 'true' ? true : raw === 'false' ? false : raw;
    const base = {
      kind,
      forSelf: requested === undefined,
      ...(typeof reset === 'boolean' ? { passwordResetRequired: reset } : {}),
    };
    const account = accountOf(record);
    const subject = (fields: Pick<LoginProfileFields, 'userName' | 'userArn'>) =>
      ({ ok: true, subject: { ...base, ...fields } }) as Extracted<Extract<LoginProfileSubject, { kind: K }>>;
    if (userName) {
      const badName = invalidName('requestParameters.userName', userName);
      if (badName) return badName;
      return subject({ userName, userArn: `arn:aws:iam::${account}:user/${userName}` });
    }
    if (identity.type === 'Root') return subject({ userName: null, userArn: `arn:aws:iam::${account}:root` });
    return {
      ok: false,
      reason: 'requestParameters.userName: missing, and the caller is not an IAM user or root',
    };
  };
}

/** The key and its user (the caller when the request names none) of a DeleteAccessKey or UpdateAccessKey. */
function keyOf(
  record: CloudTrailRecord,
): Extracted<{ readonly userName: string; readonly accessKeyId: string }> {
  const accessKeyId = str(record.requestParameters, 'accessKeyId');
  if (!accessKeyId) return missing('requestParameters.accessKeyId');
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId))
    return { ok: false, reason: 'requestParameters.accessKeyId: not an access key id' };
  const identity = record.userIdentity;
  const userName =
    str(record.requestParameters, 'userName') ??
    (identity.type === 'IAMUser' ? identity.userName : undefined);
  if (!userName) return missing('requestParameters.userName');
  return (
    invalidName('requestParameters.userName', userName) ?? { ok: true, subject: { userName, accessKeyId } }
  );
}

function deleteAccessKey(record: CloudTrailRecord): Extracted<DeleteAccessKeySubject> {
  const key = keyOf(record);
  return key.ok ? { ok: true, subject: { kind: 'DeleteAccessKey', ...key.subject } } : key;
}

function updateAccessKey(record: CloudTrailRecord): Extracted<UpdateAccessKeySubject> {
  const key = keyOf(record);
  if (!key.ok) return key;
  const status = str(record.requestParameters, 'status');
  if (status !== 'Active' && status !== 'Inactive')
    return { ok: false, reason: 'requestParameters.status: expected Active or Inactive' };
  return { ok: true, subject: { kind: 'UpdateAccessKey', ...key.subject, status } };
}

export const IAM_USER_EXTRACTORS: Extractors<IamUserSubject> = {
  CreateUser: createUser,
  CreateAccessKey: createAccessKey,
  CreateLoginProfile: loginProfile('CreateLoginProfile'),
  UpdateLoginProfile: loginProfile('UpdateLoginProfile'),
  DeleteAccessKey: deleteAccessKey,
  UpdateAccessKey: updateAccessKey,
};
