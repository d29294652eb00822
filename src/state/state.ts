/**
 * The account's current state as the scan and the snapshot see it: plain data read by read.ts (IAM's
 * GetAccountAuthorizationDetails, the credential report, access keys, AWS managed policy documents, EC2
 * instances and metadata defaults per region) and judged or written out by pure code. Times are ISO 8601;
 * policy documents are JSON text (IAM returns them URL-encoded: the reader decodes them).
 */

export type Tags = Readonly<Record<string, string>>;

/** An inline policy: its name and document. */
export interface InlinePolicy {
  readonly name: string;
  readonly document: string;
}

/** A managed policy attached to a principal. */
export interface AttachedPolicy {
  readonly arn: string;
  readonly name: string;
}

export interface AccessKeyState {
  readonly accessKeyId: string;
  readonly status: 'Active' | 'Inactive';
  readonly createdAt?: string;
  readonly lastUsedAt?: string;
}

/** What the credential report says about a user's password and keys; absent when it could not be read. */
export interface CredentialState {
  /** A console password exists (a login profile). */
  readonly passwordEnabled: boolean;
  readonly passwordLastUsedAt?: string;
  readonly accessKeys: readonly AccessKeyState[];
}

export interface UserState {
  readonly userName: string;
  readonly userId?: string;
  readonly arn: string;
  readonly path: string;
  readonly createdAt?: string;
  readonly tags: Tags;
  readonly inlinePolicies: readonly InlinePolicy[];
  readonly attachedPolicies: readonly AttachedPolicy[];
  readonly groups: readonly string[];
  readonly boundary?: string;
  /** Undefined when the credential report or the user's keys could not be read (see AccountState.problems). */
  readonly credentials?: CredentialState;
}

export interface RoleState {
  readonly roleName: string;
  readonly roleId?: string;
  readonly arn: string;
  readonly path: string;
  readonly createdAt?: string;
  readonly description?: string;
  /** The trust policy, JSON text. */
  readonly trustPolicy?: string;
  readonly inlinePolicies: readonly InlinePolicy[];
  readonly attachedPolicies: readonly AttachedPolicy[];
  readonly boundary?: string;
  readonly tags: Tags;
  readonly lastUsedAt?: string;
}

export interface GroupState {
  readonly groupName: string;
  readonly arn: string;
  readonly path: string;
  readonly createdAt?: string;
  readonly inlinePolicies: readonly InlinePolicy[];
  readonly attachedPolicies: readonly AttachedPolicy[];
}

export interface PolicyVersionState {
  readonly versionId: string;
  readonly document: string;
  readonly isDefault: boolean;
  readonly createdAt?: string;
}

/** A customer-managed policy with every version IAM keeps (up to five). */
export interface ManagedPolicyState {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly description?: string;
  readonly defaultVersionId: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly versions: readonly PolicyVersionState[];
}

/** An AWS managed policy some principal carries: its default version, read from IAM. */
export interface AwsManagedPolicyState {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly document: string;
}

export interface ImdsOptions {
  /** `optional` or `required`, lower-cased. */
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  /** `enabled` or `disabled`, lower-cased. */
  readonly httpEndpoint?: string;
}

export interface InstanceState {
  readonly instanceId: string;
  readonly region: string;
  /** The account that owns it (DescribeInstances' reservation owner). */
  readonly ownerId?: string;
  /** `pending`, `running`... */
  readonly state: string;
  readonly tags: Tags;
  readonly metadataOptions: ImdsOptions;
  readonly launchedAt?: string;
}

export interface RegionState {
  readonly region: string;
  /** Instances pending or running. */
  readonly instances: readonly InstanceState[];
  /**
   * The account-level default for new instances (GetInstanceMetadataDefaults): what it states, `{}` when
   * nothing is set; undefined when it could not be read.
   */
  readonly metadataDefaults?: ImdsOptions;
}

/** A part of the account that could not be read: reported, and never judged on half the facts. */
export interface StateProblem {
  /** What could not be read, e.g. `credential report`, `ec2 us-east-1 DescribeInstances`. */
  readonly what: string;
  readonly error: string;
}

/** The account root's access keys, from the credential report's `<root_account>` row. */
export interface RootKeyState {
  readonly slot: 1 | 2;
  readonly createdAt?: string;
  readonly lastUsedAt?: string;
}

export interface AccountState {
  readonly account: string;
  readonly partition: string;
  readonly takenAt: string;
  readonly users: readonly UserState[];
  readonly roles: readonly RoleState[];
  readonly groups: readonly GroupState[];
  /** Customer-managed policies. */
  readonly policies: readonly ManagedPolicyState[];
  readonly awsManagedPolicies: readonly AwsManagedPolicyState[];
  /** Active root access keys (the credential report's root row); undefined when the report could not be read. */
  readonly rootAccessKeys?: readonly RootKeyState[];
  /** When the credential report the password and key facts come from was generated. */
  readonly credentialReportAt?: string;
  /** The regions whose instances were read. */
  readonly regions: readonly RegionState[];
  readonly problems: readonly StateProblem[];
}

/** Service-linked roles and the roles AWS reserves (SSO permission sets): AWS owns their policies. */
export function isAwsOwnedRole(role: Pick<RoleState, 'path'>): boolean {
  return role.path.startsWith('/aws-service-role/') || role.path.startsWith('/aws-reserved/');
}

/** The state's principals and instances, counted for summaries. */
export function countsOf(state: AccountState): {
  readonly users: number;
  readonly roles: number;
  readonly groups: number;
  readonly policies: number;
  readonly instances: number;
  readonly regions: number;
} {
  return {
    users: state.users.length,
    roles: state.roles.length,
    groups: state.groups.length,
    policies: state.policies.length,
    instances: state.regions.reduce((sum, region) => sum + region.instances.length, 0),
    regions: state.regions.length,
  };
}
