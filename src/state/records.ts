/**
 * The account's state as the CloudTrail records that would have produced it: a role's inline policy is a
 * PutRolePolicy, an attached policy an AttachRolePolicy, a trust policy a CreateRole, a console password a
 * CreateLoginProfile, an instance's metadata options a ModifyInstanceMetadataOptions... The scan hands these to
 * the one engine, so every rule judges state exactly as it judges events, and a rule added for an event judges
 * the state too, with no change here. A record of an event no rule listens to yet is simply not judged.
 *
 * Each record is shaped as CloudTrail writes the event (request parameters as the API names them, policy
 * documents as JSON text). Who made the call is unknown for state: the records carry a neutral identity, except
 * where the rule's question is "who made it" and the neutral answer is the principal itself (its own key, its own
 * password), or where the guardrail tagged the creator of a user when it saw the creation.
 */
import { GuardrailTag } from '../core/tags.ts';
import type { CloudTrailRecord, UserIdentity } from '../core/types.ts';
import type { AccountState, InlinePolicy, RoleState, UserState } from './state.ts';
import { isAwsOwnedRole } from './state.ts';

/** What a record stands for: the piece of state a finding is about. */
export type StateItem =
  | { readonly kind: 'user'; readonly userName: string; readonly createdAt?: string }
  | { readonly kind: 'login-profile'; readonly userName: string }
  | {
      readonly kind: 'access-key';
      readonly userName: string | null;
      readonly accessKeyId?: string;
      readonly createdAt?: string;
    }
  | { readonly kind: 'role'; readonly roleName: string; readonly createdAt?: string }
  | { readonly kind: 'group'; readonly groupName: string }
  | {
      readonly kind: 'inline-policy';
      readonly principal: PrincipalOf;
      readonly policyName: string;
    }
  | { readonly kind: 'attached-policy'; readonly principal: PrincipalOf; readonly policyArn: string }
  | { readonly kind: 'group-membership'; readonly userName: string; readonly groupName: string }
  | { readonly kind: 'boundary'; readonly principal: PrincipalOf; readonly boundaryArn: string | null }
  | { readonly kind: 'managed-policy'; readonly policyName: string; readonly versionId: string }
  | { readonly kind: 'instance'; readonly instanceId: string; readonly region: string }
  | { readonly kind: 'metadata-defaults'; readonly region: string };

export interface PrincipalOf {
  readonly kind: 'role' | 'user' | 'group';
  readonly name: string;
}

export interface StateRecord {
  readonly record: CloudTrailRecord;
  readonly item: StateItem;
}

export interface RecordOptions {
  /** When the state was read: the time of records whose state has no date of its own. */
  readonly now: string;
  /**
   * Whether the baseline requires a permissions boundary on this principal: only then does a principal without
   * one stand for a boundary removed (every other principal without one is simply unbounded, as the baseline says).
   */
  readonly expectsBoundary?: (principal: PrincipalOf) => boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A date as IAM's CloudTrail responses write it (`Aug 1, 2024 1:33:28 PM`, UTC), not ISO. */
export function cloudTrailDate(iso: string): string {
  const d = new Date(iso);
  const hour = d.getUTCHours() % 12 || 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${hour}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** IAM is global: its CloudTrail events are recorded in us-east-1 (us-gov-west-1, cn-north-1 elsewhere). */
export function iamRegionOf(partition: string): string {
  return partition === 'aws-us-gov' ? 'us-gov-west-1' : partition === 'aws-cn' ? 'cn-north-1' : 'us-east-1';
}

function neutralIdentity(state: AccountState): UserIdentity {
  // No ARN: the finding names no actor. The issuer carries the partition for ARNs built from the record.
  return {
    type: 'Unknown',
    accountId: state.account,
    ...(state.partition !== 'aws'
      ? {
          sessionContext: {
            sessionIssuer: { type: 'Unknown', arn: `arn:${state.partition}:iam::${state.account}:root` },
          },
        }
      : {}),
  };
}

function userIdentity(state: AccountState, user: UserState): UserIdentity {
  return {
    type: 'IAMUser',
    arn: user.arn,
    accountId: state.account,
    userName: user.userName,
    ...(user.userId ? { principalId: user.userId } : {}),
  };
}

/** The creator guardrail tagged on a user when it saw the CreateUser (tag-ephemeral), when it is an ARN. */
function creatorIdentity(state: AccountState, user: UserState): UserIdentity {
  const creator = user.tags[GuardrailTag.creator];
  if (creator?.startsWith('arn:')) return { type: 'Unknown', arn: creator, accountId: state.account };
  return neutralIdentity(state);
}

/** The records of a state, in a stable order (principals by name, then their policies by name). */
export function stateRecords(state: AccountState, options: RecordOptions): StateRecord[] {
  const out: StateRecord[] = [];
  let sequence = 0;
  const iamRegion = iamRegionOf(state.partition);
  const neutral = neutralIdentity(state);
  const add = (
    item: StateItem,
    eventSource: 'iam.amazonaws.com' | 'ec2.amazonaws.com',
    eventName: string,
    requestParameters: Record<string, unknown>,
    extra: {
      readonly responseElements?: Record<string, unknown> | null;
      readonly identity?: UserIdentity;
      readonly at?: string | undefined;
      readonly region?: string;
    } = {},
  ): void => {
    sequence += 1;
    out.push({
      item,
      record: {
        eventID: `state-${String(sequence).padStart(6, '0')}`,
        eventTime: extra.at ?? options.now,
        eventSource,
        eventName,
        awsRegion: extra.region ?? iamRegion,
        userIdentity: extra.identity ?? neutral,
        requestParameters,
        responseElements: extra.responseElements ?? null,
        recipientAccountId: state.account,
      },
    });
  };
  const expectsBoundary = options.expectsBoundary ?? (() => false);

  const policiesOf = (
    principal: PrincipalOf,
    inline: readonly InlinePolicy[],
    attached: readonly { readonly arn: string }[],
  ): void => {
    const key = `${principal.kind}Name`;
    const verb = principal.kind === 'role' ? 'Role' : principal.kind === 'user' ? 'User' : 'Group';
    for (const policy of [...inline].sort(byName)) {
      add(
        { kind: 'inline-policy', principal, policyName: policy.name },
        'iam.amazonaws.com',
        `Put${verb}Policy`,
        {
          [key]: principal.name,
          policyName: policy.name,
          policyDocument: policy.document,
        },
      );
    }
    for (const policy of [...attached].sort((a, b) => compare(a.arn, b.arn))) {
      add(
        { kind: 'attached-policy', principal, policyArn: policy.arn },
        'iam.amazonaws.com',
        `Attach${verb}Policy`,
        { [key]: principal.name, policyArn: policy.arn },
      );
    }
  };

  const boundaryOf = (principal: PrincipalOf, boundary: string | undefined): void => {
    const verb = principal.kind === 'role' ? 'Role' : 'User';
    const key = `${principal.kind}Name`;
    if (boundary) {
      add(
        { kind: 'boundary', principal, boundaryArn: boundary },
        'iam.amazonaws.com',
        `Put${verb}PermissionsBoundary`,
        { [key]: principal.name, permissionsBoundary: boundary },
      );
    } else if (expectsBoundary(principal)) {
      add(
        { kind: 'boundary', principal, boundaryArn: null },
        'iam.amazonaws.com',
        `Delete${verb}PermissionsBoundary`,
        {
          [key]: principal.name,
        },
      );
    }
  };

  for (const user of [...state.users].sort((a, b) => compare(a.userName, b.userName))) {
    const principal: PrincipalOf = { kind: 'user', name: user.userName };
    add(
      { kind: 'user', userName: user.userName, ...(user.createdAt ? { createdAt: user.createdAt } : {}) },
      'iam.amazonaws.com',
      'CreateUser',
      {
        userName: user.userName,
        path: user.path,
        ...(Object.keys(user.tags).length > 0
          ? { tags: Object.entries(user.tags).map(([key, value]) => ({ key, value })) }
          : {}),
      },
      {
        responseElements: {
          user: {
            userName: user.userName,
            arn: user.arn,
            path: user.path,
            ...(user.userId ? { userId: user.userId } : {}),
            ...(user.createdAt ? { createDate: cloudTrailDate(user.createdAt) } : {}),
          },
        },
        identity: creatorIdentity(state, user),
        at: user.createdAt,
      },
    );
    if (user.credentials?.passwordEnabled) {
      // Who set the password is unknown: judged as the user's own, so only the state itself is judged.
      add(
        { kind: 'login-profile', userName: user.userName },
        'iam.amazonaws.com',
        'CreateLoginProfile',
        {
          userName: user.userName,
          passwordResetRequired: false,
        },
        { identity: userIdentity(state, user) },
      );
    }
    const keys = [...(user.credentials?.accessKeys ?? [])]
      .filter((key) => key.status === 'Active')
      .sort((a, b) => compare(a.createdAt ?? '', b.createdAt ?? '') || compare(a.accessKeyId, b.accessKeyId));
    for (const key of keys) {
      add(
        {
          kind: 'access-key',
          userName: user.userName,
          accessKeyId: key.accessKeyId,
          ...(key.createdAt ? { createdAt: key.createdAt } : {}),
        },
        'iam.amazonaws.com',
        'CreateAccessKey',
        {},
        {
          responseElements: {
            accessKey: {
              userName: user.userName,
              accessKeyId: key.accessKeyId,
              status: key.status,
              ...(key.createdAt ? { createDate: cloudTrailDate(key.createdAt) } : {}),
            },
          },
          identity: userIdentity(state, user),
          at: key.createdAt,
        },
      );
    }
    for (const group of [...user.groups].sort(compare)) {
      add(
        { kind: 'group-membership', userName: user.userName, groupName: group },
        'iam.amazonaws.com',
        'AddUserToGroup',
        {
          groupName: group,
          userName: user.userName,
        },
      );
    }
    policiesOf(principal, user.inlinePolicies, user.attachedPolicies);
    boundaryOf(principal, user.boundary);
  }

  for (const key of state.rootAccessKeys ?? []) {
    add(
      { kind: 'access-key', userName: null, ...(key.createdAt ? { createdAt: key.createdAt } : {}) },
      'iam.amazonaws.com',
      'CreateAccessKey',
      {},
      {
        identity: {
          type: 'Root',
          arn: `arn:${state.partition}:iam::${state.account}:root`,
          accountId: state.account,
        },
        at: key.createdAt,
      },
    );
  }

  for (const role of rolesJudged(state)) {
    const principal: PrincipalOf = { kind: 'role', name: role.roleName };
    add(
      { kind: 'role', roleName: role.roleName, ...(role.createdAt ? { createdAt: role.createdAt } : {}) },
      'iam.amazonaws.com',
      'CreateRole',
      {
        roleName: role.roleName,
        path: role.path,
        ...(role.trustPolicy ? { assumeRolePolicyDocument: role.trustPolicy } : {}),
        ...(role.boundary ? { permissionsBoundary: role.boundary } : {}),
        ...(role.description ? { description: role.description } : {}),
      },
      {
        responseElements: {
          role: {
            roleName: role.roleName,
            arn: role.arn,
            path: role.path,
            ...(role.roleId ? { roleId: role.roleId } : {}),
            ...(role.createdAt ? { createDate: cloudTrailDate(role.createdAt) } : {}),
          },
        },
        at: role.createdAt,
      },
    );
    policiesOf(principal, role.inlinePolicies, role.attachedPolicies);
    boundaryOf(principal, role.boundary);
  }

  for (const group of [...state.groups].sort((a, b) => compare(a.groupName, b.groupName))) {
    add(
      { kind: 'group', groupName: group.groupName },
      'iam.amazonaws.com',
      'CreateGroup',
      {
        groupName: group.groupName,
        path: group.path,
      },
      { at: group.createdAt },
    );
    policiesOf({ kind: 'group', name: group.groupName }, group.inlinePolicies, group.attachedPolicies);
  }

  for (const policy of [...state.policies].sort((a, b) => compare(a.name, b.name))) {
    const version = policy.versions.find((v) => v.versionId === policy.defaultVersionId);
    if (!version) continue;
    add(
      { kind: 'managed-policy', policyName: policy.name, versionId: version.versionId },
      'iam.amazonaws.com',
      'CreatePolicy',
      {
        policyName: policy.name,
        path: policy.path,
        policyDocument: version.document,
        ...(policy.description ? { description: policy.description } : {}),
      },
      {
        responseElements: {
          policy: {
            policyName: policy.name,
            arn: policy.arn,
            path: policy.path,
            defaultVersionId: policy.defaultVersionId,
            isAttachable: true,
          },
        },
      },
    );
  }

  for (const region of [...state.regions].sort((a, b) => compare(a.region, b.region))) {
    for (const instance of [...region.instances].sort((a, b) => compare(a.instanceId, b.instanceId))) {
      const options = instance.metadataOptions;
      add(
        { kind: 'instance', instanceId: instance.instanceId, region: region.region },
        'ec2.amazonaws.com',
        'ModifyInstanceMetadataOptions',
        {
          ModifyInstanceMetadataOptionsRequest: {
            InstanceId: instance.instanceId,
            ...(options.httpTokens ? { HttpTokens: options.httpTokens } : {}),
            ...(options.hopLimit !== undefined ? { HttpPutResponseHopLimit: options.hopLimit } : {}),
            ...(options.httpEndpoint ? { HttpEndpoint: options.httpEndpoint } : {}),
          },
        },
        {
          region: region.region,
          responseElements: {
            ModifyInstanceMetadataOptionsResponse: {
              instanceId: instance.instanceId,
              instanceMetadataOptions: {
                ...(options.httpTokens ? { httpTokens: options.httpTokens } : {}),
                ...(options.hopLimit !== undefined ? { httpPutResponseHopLimit: options.hopLimit } : {}),
                ...(options.httpEndpoint ? { httpEndpoint: options.httpEndpoint } : {}),
              },
            },
          },
        },
      );
    }
    const defaults = region.metadataDefaults;
    // A region without an account default states nothing to judge: each instance is judged on its own.
    if (defaults && (defaults.httpTokens || defaults.hopLimit !== undefined)) {
      add(
        { kind: 'metadata-defaults', region: region.region },
        'ec2.amazonaws.com',
        'ModifyInstanceMetadataDefaults',
        {
          ModifyInstanceMetadataDefaultsRequest: {
            ...(defaults.httpTokens ? { HttpTokens: defaults.httpTokens } : {}),
            ...(defaults.hopLimit !== undefined ? { HttpPutResponseHopLimit: defaults.hopLimit } : {}),
            ...(defaults.httpEndpoint ? { HttpEndpoint: defaults.httpEndpoint } : {}),
          },
        },
        { region: region.region },
      );
    }
  }
  return out;
}

/** The roles the scan judges: all but service-linked and AWS-reserved ones, whose policies AWS owns. */
export function rolesJudged(state: AccountState): RoleState[] {
  return [...state.roles]
    .filter((role) => !isAwsOwnedRole(role))
    .sort((a, b) => compare(a.roleName, b.roleName));
}

function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compare(a.name, b.name);
}

/** Code-point order: the same on every machine and locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
