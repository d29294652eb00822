/** Account states for scan and snapshot tests: small builders with the defaults a real read would give. */
import type {
  AccessKeyState,
  AccountState,
  GroupState,
  InstanceState,
  ManagedPolicyState,
  RoleState,
  UserState,
} from '../../src/state/state.ts';
import { ACCOUNT } from './records.ts';

export const SCAN_TIME = '2026-12-01T12:00:00.000Z';

export const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export function policy(statements: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function user(
  userName: string,
  options: Partial<Omit<UserState, 'userName' | 'credentials'>> & {
    readonly keys?: readonly AccessKeyState[];
    readonly password?: boolean;
    readonly passwordLastUsedAt?: string;
    readonly unreadable?: boolean;
  } = {},
): UserState {
  const { keys, password, passwordLastUsedAt, unreadable, ...rest } = options;
  return {
    userName,
    arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
    path: '/',
    createdAt: '2026-11-01T00:00:00.000Z',
    tags: {},
    inlinePolicies: [],
    attachedPolicies: [],
    groups: [],
    ...rest,
    ...(unreadable
      ? {}
      : {
          credentials: {
            passwordEnabled: password ?? false,
            ...(passwordLastUsedAt ? { passwordLastUsedAt } : {}),
            accessKeys: keys ?? [],
          },
        }),
  };
}

export function key(accessKeyId: string, createdAt: string, lastUsedAt?: string): AccessKeyState {
  return { accessKeyId, status: 'Active', createdAt, ...(lastUsedAt ? { lastUsedAt } : {}) };
}

export function role(roleName: string, options: Partial<Omit<RoleState, 'roleName'>> = {}): RoleState {
  return {
    roleName,
    arn: `arn:aws:iam::${ACCOUNT}:role${options.path ?? '/'}${roleName}`,
    path: '/',
    createdAt: '2026-01-01T00:00:00.000Z',
    trustPolicy: EC2_TRUST,
    inlinePolicies: [],
    attachedPolicies: [],
    tags: {},
    ...options,
  };
}

export function group(groupName: string, options: Partial<Omit<GroupState, 'groupName'>> = {}): GroupState {
  return {
    groupName,
    arn: `arn:aws:iam::${ACCOUNT}:group/${groupName}`,
    path: '/',
    inlinePolicies: [],
    attachedPolicies: [],
    ...options,
  };
}

export function customerPolicy(name: string, document: string, versionId = 'v1'): ManagedPolicyState {
  return {
    name,
    arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`,
    path: '/',
    defaultVersionId: versionId,
    versions: [{ versionId, document, isDefault: true }],
  };
}

export function instance(
  instanceId: string,
  metadata: InstanceState['metadataOptions'],
  options: Partial<InstanceState> = {},
): InstanceState {
  return {
    instanceId,
    region: 'eu-west-1',
    state: 'running',
    tags: {},
    metadataOptions: metadata,
    ...options,
  };
}

export function accountState(options: Partial<AccountState> = {}): AccountState {
  return {
    account: ACCOUNT,
    partition: 'aws',
    takenAt: SCAN_TIME,
    users: [],
    roles: [],
    groups: [],
    policies: [],
    awsManagedPolicies: [],
    rootAccessKeys: [],
    regions: [],
    problems: [],
    ...options,
  };
}
