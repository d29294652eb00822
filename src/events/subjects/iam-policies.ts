/**
 * IAM permission events: how a principal gains a policy document. PutRolePolicy today.
 */
import type { CloudTrailRecord } from '../../core/types.ts';
import type { PolicyDocument } from '../../policy/parse.ts';
import type { Extracted, Extractors } from './common.ts';
import { accountOf, iamName, partitionOfRecord, policyDocumentField } from './common.ts';

export const IAM_POLICY_EVENTS = {
  PutRolePolicy: 'iam.amazonaws.com',
} as const;

export interface PutRolePolicySubject {
  readonly kind: 'PutRolePolicy';
  readonly roleName: string;
  readonly roleArn: string;
  readonly policyName: string;
  /** As CloudTrail carries it: JSON text. */
  readonly policyDocument: string;
  readonly policy: PolicyDocument;
}

export type IamPolicySubject = PutRolePolicySubject;

function putRolePolicy(record: CloudTrailRecord): Extracted<PutRolePolicySubject> {
  const roleName = iamName(record, 'roleName');
  if (!roleName.ok) return roleName;
  const policyName = iamName(record, 'policyName');
  if (!policyName.ok) return policyName;
  const document = policyDocumentField(record, 'policyDocument');
  if (!document.ok) return document;
  const roleArn = `arn:${partitionOfRecord(record)}:iam::${accountOf(record)}:role/${roleName.subject}`;
  return {
    ok: true,
    subject: {
      kind: 'PutRolePolicy',
      roleName: roleName.subject,
      roleArn,
      policyName: policyName.subject,
      policyDocument: document.subject.text,
      policy: document.subject.policy,
    },
  };
}

export const IAM_POLICY_EXTRACTORS: Extractors<IamPolicySubject> = {
  PutRolePolicy: putRolePolicy,
};
