/**
 * IAM role events: who may assume a role. CreateRole carries the trust policy as JSON text in the request (and
 * URL-encoded in the response); UpdateAssumeRolePolicy carries the new one in the request.
 */
import { PolicyParseError } from '../../core/errors.ts';
import type { CloudTrailRecord } from '../../core/types.ts';
import type { TrustPolicy } from '../../policy/trust.ts';
import { parseTrustPolicy } from '../../policy/trust.ts';
import type { Extracted, Extractors, Json } from './common.ts';
import { accountOf, iamName, isObject, MAX_POLICY_TEXT, partitionOfRecord, str } from './common.ts';

export const IAM_ROLE_EVENTS = {
  CreateRole: 'iam.amazonaws.com',
  UpdateAssumeRolePolicy: 'iam.amazonaws.com',
} as const;

/**
 * The trust policy as the record carries it, or why it cannot be read. A role whose trust cannot be read is
 * still a subject: iam.role.trust says it could not judge it rather than the record being skipped.
 */
export type TrustDocument =
  | { readonly ok: true; readonly text: string; readonly policy: TrustPolicy }
  | { readonly ok: false; readonly reason: string };

export interface CreateRoleSubject {
  readonly kind: 'CreateRole';
  readonly roleName: string;
  readonly roleArn: string;
  readonly path: string;
  readonly trust: TrustDocument;
  readonly permissionsBoundary?: string;
}

export interface UpdateAssumeRolePolicySubject {
  readonly kind: 'UpdateAssumeRolePolicy';
  readonly roleName: string;
  readonly roleArn: string;
  readonly trust: TrustDocument;
}

export type IamRoleSubject = CreateRoleSubject | UpdateAssumeRolePolicySubject;

function trustFrom(raw: unknown, where: string): TrustDocument | undefined {
  const text = typeof raw === 'string' && raw !== '' ? raw : isObject(raw) ? JSON.stringify(raw) : undefined;
  if (text === undefined) return undefined;
  if (text.length > MAX_POLICY_TEXT) {
    return {
      ok: false,
      reason: `${where}: longer than ${MAX_POLICY_TEXT} characters, more than IAM accepts`,
    };
  }
  try {
    return { ok: true, text, policy: parseTrustPolicy(text, where) };
  } catch (error) {
    if (error instanceof PolicyParseError) return { ok: false, reason: error.message };
    throw error;
  }
}

/** The request's document; the response's (URL-encoded) when an exporter dropped the request's. */
function trustOf(record: CloudTrailRecord, requestKey: string, response?: Json): TrustDocument {
  const where = `requestParameters.${requestKey}`;
  return (
    trustFrom(record.requestParameters?.[requestKey], where) ??
    trustFrom(response?.assumeRolePolicyDocument, 'responseElements.role.assumeRolePolicyDocument') ?? {
      ok: false,
      reason: `${where}: missing`,
    }
  );
}

function roleArnOf(record: CloudTrailRecord, roleName: string, path = '/', response?: Json): string {
  return (
    str(response, 'arn') ??
    `arn:${partitionOfRecord(record)}:iam::${accountOf(record)}:role${path}${roleName}`
  );
}

function createRole(record: CloudTrailRecord): Extracted<CreateRoleSubject> {
  const roleName = iamName(record, 'roleName');
  if (!roleName.ok) return roleName;
  const path = str(record.requestParameters, 'path') ?? '/';
  if (path.length > 512 || !/^\/(?:[\u0021-\u007e]*\/)?$/.test(path)) {
    return { ok: false, reason: 'requestParameters.path: not an IAM path' };
  }
  const role = record.responseElements?.role;
  const response = isObject(role) ? role : undefined;
  const boundary = str(record.requestParameters, 'permissionsBoundary');
  return {
    ok: true,
    subject: {
      kind: 'CreateRole',
      roleName: roleName.subject,
      roleArn: roleArnOf(record, roleName.subject, path, response),
      path,
      trust: trustOf(record, 'assumeRolePolicyDocument', response),
      ...(boundary ? { permissionsBoundary: boundary } : {}),
    },
  };
}

function updateAssumeRolePolicy(record: CloudTrailRecord): Extracted<UpdateAssumeRolePolicySubject> {
  const roleName = iamName(record, 'roleName');
  if (!roleName.ok) return roleName;
  return {
    ok: true,
    subject: {
      kind: 'UpdateAssumeRolePolicy',
      roleName: roleName.subject,
      roleArn: roleArnOf(record, roleName.subject),
      trust: trustOf(record, 'policyDocument'),
    },
  };
}

export const IAM_ROLE_EXTRACTORS: Extractors<IamRoleSubject> = {
  CreateRole: createRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
};
