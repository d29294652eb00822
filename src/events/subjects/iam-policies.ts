/**
 * IAM permission events: every way a principal gains a policy document (an inline put, a managed policy
 * attached, a new default version of a managed policy, a group joined, a permissions boundary removed), and the
 * few events the offline ledgers learn from to answer "as of a time" (detachments, a group's inline policy
 * deleted, a group created) without any rule judging them.
 */
import type { PrincipalKind } from '../../core/knowledge.ts';
import type { CloudTrailRecord } from '../../core/types.ts';
import type { PolicyDocument } from '../../policy/parse.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import {
  accountOf,
  field,
  iamName,
  isObject,
  partitionOfRecord,
  policyDocumentField,
  str,
} from './common.ts';

export const IAM_POLICY_EVENTS = {
  PutRolePolicy: 'iam.amazonaws.com',
  PutUserPolicy: 'iam.amazonaws.com',
  PutGroupPolicy: 'iam.amazonaws.com',
  AttachRolePolicy: 'iam.amazonaws.com',
  AttachUserPolicy: 'iam.amazonaws.com',
  AttachGroupPolicy: 'iam.amazonaws.com',
  AddUserToGroup: 'iam.amazonaws.com',
  CreatePolicy: 'iam.amazonaws.com',
  CreatePolicyVersion: 'iam.amazonaws.com',
  SetDefaultPolicyVersion: 'iam.amazonaws.com',
  PutRolePermissionsBoundary: 'iam.amazonaws.com',
  DeleteRolePermissionsBoundary: 'iam.amazonaws.com',
  PutUserPermissionsBoundary: 'iam.amazonaws.com',
  DeleteUserPermissionsBoundary: 'iam.amazonaws.com',
  // Learned by the offline ledgers (src/knowledge/iamLedgers.ts), judged by no rule.
  DetachRolePolicy: 'iam.amazonaws.com',
  DetachUserPolicy: 'iam.amazonaws.com',
  DetachGroupPolicy: 'iam.amazonaws.com',
  DeleteGroupPolicy: 'iam.amazonaws.com',
  CreateGroup: 'iam.amazonaws.com',
} as const;

/** A role, user or group named by the record, with the ARN findings show for it. */
export interface PrincipalTarget {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly arn: string;
}

/** An inline policy put on a role, user or group. */
export interface PutPrincipalPolicySubject<K extends string> {
  readonly kind: K;
  readonly principal: PrincipalTarget;
  readonly policyName: string;
  /** As CloudTrail carries it: JSON text. */
  readonly policyDocument: string;
  readonly policy: PolicyDocument;
}

export interface PutRolePolicySubject extends PutPrincipalPolicySubject<'PutRolePolicy'> {
  readonly roleName: string;
  readonly roleArn: string;
}
export type PutUserPolicySubject = PutPrincipalPolicySubject<'PutUserPolicy'>;
export type PutGroupPolicySubject = PutPrincipalPolicySubject<'PutGroupPolicy'>;

/** A managed policy attached to (or, for the ledgers, detached from) a role, user or group. */
export interface AttachmentSubject<K extends string> {
  readonly kind: K;
  readonly principal: PrincipalTarget;
  readonly policyArn: string;
}
export type AttachRolePolicySubject = AttachmentSubject<'AttachRolePolicy'>;
export type AttachUserPolicySubject = AttachmentSubject<'AttachUserPolicy'>;
export type AttachGroupPolicySubject = AttachmentSubject<'AttachGroupPolicy'>;
export type DetachRolePolicySubject = AttachmentSubject<'DetachRolePolicy'>;
export type DetachUserPolicySubject = AttachmentSubject<'DetachUserPolicy'>;
export type DetachGroupPolicySubject = AttachmentSubject<'DetachGroupPolicy'>;

export interface AddUserToGroupSubject {
  readonly kind: 'AddUserToGroup';
  readonly principal: PrincipalTarget;
  readonly group: PrincipalTarget;
}

export interface CreatePolicySubject {
  readonly kind: 'CreatePolicy';
  readonly policyName: string;
  readonly policyArn: string;
  /** The first version's id (v1, from the response when CloudTrail has it). */
  readonly versionId: string;
  readonly policyDocument: string;
  readonly policy: PolicyDocument;
}

export interface CreatePolicyVersionSubject {
  readonly kind: 'CreatePolicyVersion';
  readonly policyName: string;
  readonly policyArn: string;
  /** From the response; absent when CloudTrail did not record it (a forged or truncated record). */
  readonly versionId?: string;
  /** Whether the new version became the one in effect for every entity the policy is attached to. */
  readonly setAsDefault: boolean;
  readonly policyDocument: string;
  readonly policy: PolicyDocument;
}

export interface SetDefaultPolicyVersionSubject {
  readonly kind: 'SetDefaultPolicyVersion';
  readonly policyName: string;
  readonly policyArn: string;
  readonly versionId: string;
}

export interface PutBoundarySubject<K extends string> {
  readonly kind: K;
  readonly principal: PrincipalTarget;
  readonly boundaryArn: string;
}
export interface DeleteBoundarySubject<K extends string> {
  readonly kind: K;
  readonly principal: PrincipalTarget;
}

export interface DeleteGroupPolicySubject {
  readonly kind: 'DeleteGroupPolicy';
  readonly principal: PrincipalTarget;
  readonly policyName: string;
}

export interface CreateGroupSubject {
  readonly kind: 'CreateGroup';
  readonly principal: PrincipalTarget;
}

export type IamPolicySubject =
  | PutRolePolicySubject
  | PutUserPolicySubject
  | PutGroupPolicySubject
  | AttachRolePolicySubject
  | AttachUserPolicySubject
  | AttachGroupPolicySubject
  | AddUserToGroupSubject
  | CreatePolicySubject
  | CreatePolicyVersionSubject
  | SetDefaultPolicyVersionSubject
  | PutBoundarySubject<'PutRolePermissionsBoundary'>
  | DeleteBoundarySubject<'DeleteRolePermissionsBoundary'>
  | PutBoundarySubject<'PutUserPermissionsBoundary'>
  | DeleteBoundarySubject<'DeleteUserPermissionsBoundary'>
  | DetachRolePolicySubject
  | DetachUserPolicySubject
  | DetachGroupPolicySubject
  | DeleteGroupPolicySubject
  | CreateGroupSubject;

/** The events by which a principal gains a document (what the policy rules judge). */
export const PERMISSION_EVENTS = [
  'PutRolePolicy',
  'PutUserPolicy',
  'PutGroupPolicy',
  'AttachRolePolicy',
  'AttachUserPolicy',
  'AttachGroupPolicy',
  'AddUserToGroup',
  'CreatePolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeleteRolePermissionsBoundary',
  'DeleteUserPermissionsBoundary',
] as const satisfies readonly (keyof typeof IAM_POLICY_EVENTS)[];
export type PermissionEventName = (typeof PERMISSION_EVENTS)[number];
export type PermissionSubject = Extract<IamPolicySubject, { kind: PermissionEventName }>;

export const BOUNDARY_EVENTS = [
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'PutUserPermissionsBoundary',
  'DeleteUserPermissionsBoundary',
] as const satisfies readonly (keyof typeof IAM_POLICY_EVENTS)[];
export type BoundarySubject = Extract<IamPolicySubject, { kind: (typeof BOUNDARY_EVENTS)[number] }>;

/** IAM's policy ARNs: AWS managed (`aws`) or an account's, with an optional path. */
const POLICY_ARN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,128})$/;
const VERSION_ID = /^v[1-9]\d{0,8}$/;
const PATH = /^\/(?:[\x21-\x7e]{0,510}\/)?$/;

const principalKey: Readonly<Record<PrincipalKind, string>> = {
  role: 'roleName',
  user: 'userName',
  group: 'groupName',
};

function principalOf(record: CloudTrailRecord, kind: PrincipalKind): Extracted<PrincipalTarget> {
  const name = iamName(record, principalKey[kind]);
  if (!name.ok) return name;
  const arn = `arn:${partitionOfRecord(record)}:iam::${accountOf(record)}:${kind}/${name.subject}`;
  return { ok: true, subject: { kind, name: name.subject, arn } };
}

/** A policy ARN from requestParameters, checked against IAM's ARN format; the name is its last part. */
function policyArnOf(
  record: CloudTrailRecord,
  key = 'policyArn',
): Extracted<{ readonly arn: string; readonly name: string }> {
  const value = str(record.requestParameters, key);
  if (!value) return { ok: false, reason: `requestParameters.${key}: missing` };
  const match = POLICY_ARN.exec(value);
  if (!match) return { ok: false, reason: `requestParameters.${key}: not an IAM policy ARN` };
  return { ok: true, subject: { arn: value, name: match[2] as string } };
}

function versionIdOf(
  source: Json | null | undefined,
  key: string,
  where: string,
): Extracted<string | undefined> {
  const value = field(source, key);
  if (value === undefined || value === null || value === '') return { ok: true, subject: undefined };
  if (typeof value !== 'string' || !VERSION_ID.test(value))
    return { ok: false, reason: `${where}.${key}: not a policy version id (v1, v2...)` };
  return { ok: true, subject: value };
}

/** CloudTrail writes request booleans as JSON booleans; some exporters turn them into strings. */
function booleanOf(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

function putPolicy<K extends 'PutRolePolicy' | 'PutUserPolicy' | 'PutGroupPolicy'>(
  kind: K,
  principalKind: PrincipalKind,
) {
  return (record: CloudTrailRecord): Extracted<PutPrincipalPolicySubject<K>> => {
    const principal = principalOf(record, principalKind);
    if (!principal.ok) return principal;
    const policyName = iamName(record, 'policyName');
    if (!policyName.ok) return policyName;
    const document = policyDocumentField(record, 'policyDocument');
    if (!document.ok) return document;
    return {
      ok: true,
      subject: {
        kind,
        principal: principal.subject,
        policyName: policyName.subject,
        policyDocument: document.subject.text,
        policy: document.subject.policy,
      },
    };
  };
}

const putUserPolicy = putPolicy('PutUserPolicy', 'user');
const putGroupPolicy = putPolicy('PutGroupPolicy', 'group');
const putRolePolicyCommon = putPolicy('PutRolePolicy', 'role');

function putRolePolicy(record: CloudTrailRecord): Extracted<PutRolePolicySubject> {
  const extracted = putRolePolicyCommon(record);
  if (!extracted.ok) return extracted;
  const { principal } = extracted.subject;
  return { ok: true, subject: { ...extracted.subject, roleName: principal.name, roleArn: principal.arn } };
}

function attachment<K extends string>(kind: K, principalKind: PrincipalKind) {
  return (record: CloudTrailRecord): Extracted<AttachmentSubject<K>> => {
    const principal = principalOf(record, principalKind);
    if (!principal.ok) return principal;
    const policy = policyArnOf(record);
    if (!policy.ok) return policy;
    return { ok: true, subject: { kind, principal: principal.subject, policyArn: policy.subject.arn } };
  };
}

function addUserToGroup(record: CloudTrailRecord): Extracted<AddUserToGroupSubject> {
  const user = principalOf(record, 'user');
  if (!user.ok) return user;
  const group = principalOf(record, 'group');
  if (!group.ok) return group;
  return { ok: true, subject: { kind: 'AddUserToGroup', principal: user.subject, group: group.subject } };
}

function createPolicy(record: CloudTrailRecord): Extracted<CreatePolicySubject> {
  const policyName = iamName(record, 'policyName');
  if (!policyName.ok) return policyName;
  const document = policyDocumentField(record, 'policyDocument');
  if (!document.ok) return document;
  const path = str(record.requestParameters, 'path') ?? '/';
  if (!PATH.test(path)) return { ok: false, reason: 'requestParameters.path: not an IAM path (/.../)' };
  const response = field(record.responseElements, 'policy');
  const reported = isObject(response) ? field(response, 'arn') : undefined;
  const computed = `arn:${partitionOfRecord(record)}:iam::${accountOf(record)}:policy${path}${policyName.subject}`;
  // The response's ARN is IAM's own; it must still name the policy of the request.
  const policyArn =
    typeof reported === 'string' && POLICY_ARN.exec(reported)?.[2] === policyName.subject
      ? reported
      : computed;
  const version = versionIdOf(
    isObject(response) ? response : undefined,
    'defaultVersionId',
    'responseElements.policy',
  );
  if (!version.ok) return version;
  return {
    ok: true,
    subject: {
      kind: 'CreatePolicy',
      policyName: policyName.subject,
      policyArn,
      versionId: version.subject ?? 'v1',
      policyDocument: document.subject.text,
      policy: document.subject.policy,
    },
  };
}

function createPolicyVersion(record: CloudTrailRecord): Extracted<CreatePolicyVersionSubject> {
  const policy = policyArnOf(record);
  if (!policy.ok) return policy;
  const document = policyDocumentField(record, 'policyDocument');
  if (!document.ok) return document;
  const response = field(record.responseElements, 'policyVersion');
  const version = versionIdOf(
    isObject(response) ? response : undefined,
    'versionId',
    'responseElements.policyVersion',
  );
  if (!version.ok) return version;
  const reportedDefault = isObject(response) ? field(response, 'isDefaultVersion') : undefined;
  const setAsDefault =
    booleanOf(field(record.requestParameters, 'setAsDefault')) || booleanOf(reportedDefault);
  return {
    ok: true,
    subject: {
      kind: 'CreatePolicyVersion',
      policyName: policy.subject.name,
      policyArn: policy.subject.arn,
      ...(version.subject ? { versionId: version.subject } : {}),
      setAsDefault,
      policyDocument: document.subject.text,
      policy: document.subject.policy,
    },
  };
}

function setDefaultPolicyVersion(record: CloudTrailRecord): Extracted<SetDefaultPolicyVersionSubject> {
  const policy = policyArnOf(record);
  if (!policy.ok) return policy;
  const version = versionIdOf(record.requestParameters, 'versionId', 'requestParameters');
  if (!version.ok) return version;
  if (!version.subject) return { ok: false, reason: 'requestParameters.versionId: missing' };
  return {
    ok: true,
    subject: {
      kind: 'SetDefaultPolicyVersion',
      policyName: policy.subject.name,
      policyArn: policy.subject.arn,
      versionId: version.subject,
    },
  };
}

function putBoundary<K extends string>(kind: K, principalKind: PrincipalKind) {
  return (record: CloudTrailRecord): Extracted<PutBoundarySubject<K>> => {
    const principal = principalOf(record, principalKind);
    if (!principal.ok) return principal;
    const boundary = policyArnOf(record, 'permissionsBoundary');
    if (!boundary.ok) return boundary;
    return { ok: true, subject: { kind, principal: principal.subject, boundaryArn: boundary.subject.arn } };
  };
}

function deleteBoundary<K extends string>(kind: K, principalKind: PrincipalKind) {
  return (record: CloudTrailRecord): Extracted<DeleteBoundarySubject<K>> => {
    const principal = principalOf(record, principalKind);
    if (!principal.ok) return principal;
    return { ok: true, subject: { kind, principal: principal.subject } };
  };
}

function deleteGroupPolicy(record: CloudTrailRecord): Extracted<DeleteGroupPolicySubject> {
  const principal = principalOf(record, 'group');
  if (!principal.ok) return principal;
  const policyName = iamName(record, 'policyName');
  if (!policyName.ok) return policyName;
  return {
    ok: true,
    subject: { kind: 'DeleteGroupPolicy', principal: principal.subject, policyName: policyName.subject },
  };
}

function createGroup(record: CloudTrailRecord): Extracted<CreateGroupSubject> {
  const principal = principalOf(record, 'group');
  if (!principal.ok) return principal;
  return { ok: true, subject: { kind: 'CreateGroup', principal: principal.subject } };
}

export const IAM_POLICY_EXTRACTORS: Extractors<IamPolicySubject> = {
  PutRolePolicy: putRolePolicy,
  PutUserPolicy: putUserPolicy,
  PutGroupPolicy: putGroupPolicy,
  AttachRolePolicy: attachment('AttachRolePolicy', 'role'),
  AttachUserPolicy: attachment('AttachUserPolicy', 'user'),
  AttachGroupPolicy: attachment('AttachGroupPolicy', 'group'),
  AddUserToGroup: addUserToGroup,
  CreatePolicy: createPolicy,
  CreatePolicyVersion: createPolicyVersion,
  SetDefaultPolicyVersion: setDefaultPolicyVersion,
  PutRolePermissionsBoundary: putBoundary('PutRolePermissionsBoundary', 'role'),
  DeleteRolePermissionsBoundary: deleteBoundary('DeleteRolePermissionsBoundary', 'role'),
  PutUserPermissionsBoundary: putBoundary('PutUserPermissionsBoundary', 'user'),
  DeleteUserPermissionsBoundary: deleteBoundary('DeleteUserPermissionsBoundary', 'user'),
  DetachRolePolicy: attachment('DetachRolePolicy', 'role'),
  DetachUserPolicy: attachment('DetachUserPolicy', 'user'),
  DetachGroupPolicy: attachment('DetachGroupPolicy', 'group'),
  DeleteGroupPolicy: deleteGroupPolicy,
  CreateGroup: createGroup,
};
