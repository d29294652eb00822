/**
 * Knowledge: the facts about the account a record's rules may need beyond the record and the baseline (a
 * managed policy's document, a group's policies, a user's access keys, a trail's settings). The engine stays
 * pure: the caller resolves facts before evaluating and hands them over as a Knowledge. The Lambda functions
 * read them from AWS (only what `factsNeeded` asks for); the CLI and the replay learn them from the AWS
 * managed-policy data and from the trail itself, in eventTime order.
 *
 * Every getter answers as of a time (the record's eventTime), and an unknown fact says why: a rule that needs
 * one it cannot have reports that (e.g. iam.policy.unknown-document), it never passes silently.
 */

/** Where a fact came from, for explanations in findings. */
export type KnowledgeSource = 'baseline' | 'trail' | 'aws-managed-data' | 'iam' | 'ec2' | 'cloudtrail';

export type Known<T> =
  | { readonly known: true; readonly value: T; readonly source: KnowledgeSource }
  | { readonly known: false; readonly why: string };

export type PrincipalKind = 'role' | 'user' | 'group';

export interface PrincipalRef {
  readonly kind: PrincipalKind;
  readonly name: string;
}

/** One version of a managed policy. */
export interface PolicyVersionFact {
  readonly policyArn: string;
  readonly versionId: string;
  /** The document as JSON text (URL-decoded). */
  readonly document: string;
  /** False when the data can only bound the version's dates (aws-managed-data back-filled versions). */
  readonly exact?: boolean;
}

/** A policy a principal holds: inline (by name) or managed (by ARN, at a version). */
export interface HeldPolicy {
  readonly kind: 'inline' | 'managed';
  readonly name: string;
  readonly policyArn?: string;
  readonly versionId?: string;
  /** JSON text; absent when only the attachment is known, not the document. */
  readonly document?: string;
  /** The group it is held through, for a user's policies (principalPolicies); absent: the principal's own. */
  readonly group?: string;
}

export interface AccessKeyFact {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createDate?: string;
}

export interface TrailFact {
  readonly name: string;
  readonly arn?: string;
  readonly isLogging?: boolean;
  readonly isMultiRegionTrail?: boolean;
  readonly includeGlobalServiceEvents?: boolean;
  readonly isOrganizationTrail?: boolean;
  readonly s3BucketName?: string;
}

export interface Knowledge {
  /** A managed policy's document: `versionId` when given, else the version that was the default at `at`. */
  managedPolicy(policyArn: string, at: string, versionId?: string): Known<PolicyVersionFact>;
  /** The policies a group holds (inline and attached) at `at`. */
  groupPolicies(groupName: string, at: string): Known<readonly HeldPolicy[]>;
  /** The roles, users and groups a managed policy is attached to at `at`. */
  policyEntities(policyArn: string, at: string): Known<readonly PrincipalRef[]>;
  /** The policies a role or user holds at `at` (what a removed permissions boundary no longer bounds). */
  principalPolicies(principal: PrincipalRef, at: string): Known<readonly HeldPolicy[]>;
  /** A user's access keys just before `at`. */
  accessKeys(userName: string, at: string): Known<readonly AccessKeyFact[]>;
  /** A trail's settings just before `at` (by name or ARN). */
  trail(nameOrArn: string, at: string): Known<TrailFact>;
  /** An EC2 instance's tags (key → value) at `at`: what IMDS profiles match on (baseline `imds.profiles`). */
  instanceTags(instanceId: string, region: string, at: string): Known<InstanceTags>;
}

/** An instance's tags, key → value. */
export type InstanceTags = Readonly<Record<string, string>>;

/** A fact a record's evaluation needs, for callers that load facts before evaluating (the Lambda). */
export type FactRequest =
  | { readonly kind: 'managedPolicy'; readonly policyArn: string; readonly versionId?: string }
  | { readonly kind: 'groupPolicies'; readonly groupName: string }
  | { readonly kind: 'policyEntities'; readonly policyArn: string }
  | { readonly kind: 'principalPolicies'; readonly principal: PrincipalRef }
  | { readonly kind: 'accessKeys'; readonly userName: string }
  | { readonly kind: 'trail'; readonly nameOrArn: string }
  | { readonly kind: 'instanceTags'; readonly instanceId: string; readonly region: string };
