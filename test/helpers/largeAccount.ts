/**
 * A large account on mocked SDK clients (aws-sdk-client-mock), for the scan's scale test and its benchmark
 * (bench/scan.ts): USERS users and ROLES roles served as IAM serves them, GetAccountAuthorizationDetails in
 * pages of at most MaxItems entries across its lists, one credential report, ListAccessKeys for the users
 * holding a key, the AWS managed policies principals carry, and one page of instances. Every call is counted.
 */
import { DescribeInstancesCommand, EC2Client, GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';

export interface LargeAccount {
  readonly users: number;
  readonly roles: number;
  readonly groups: number;
  readonly policies: number;
  readonly awsManaged: number;
  readonly instances: number;
  /** Every Nth user holds an access key; every Mth has a console password. */
  readonly keyEvery: number;
  readonly passwordEvery: number;
}

export const LARGE_ACCOUNT: LargeAccount = {
  users: 10_000,
  roles: 2_000,
  groups: 50,
  policies: 200,
  awsManaged: 20,
  instances: 1_000,
  keyEvery: 3,
  passwordEvery: 10,
};

const ACCOUNT = '123456789012';
const CREATED = new Date('2026-06-01T00:00:00Z');
const doc = (statements: readonly object[]) =>
  encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
const bucketRead = (name: string) => ({
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:ListBucket'],
  Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
});
const pad = (n: number) => String(n).padStart(5, '0');

export const userName = (i: number) => `svc-${pad(i)}`;
export const roleName = (i: number) => `app-${pad(i)}-role`;
const groupName = (i: number) => `team-${pad(i)}`;
const policyName = (i: number) => `shared-${pad(i)}`;
const awsPolicyArn = (i: number) => `arn:aws:iam::aws:policy/Managed${pad(i)}`;

type Entry =
  | { readonly kind: 'user'; readonly i: number }
  | { readonly kind: 'role'; readonly i: number }
  | { readonly kind: 'group'; readonly i: number }
  | { readonly kind: 'policy'; readonly i: number };

function entries(a: LargeAccount): Entry[] {
  return [
    ...Array.from({ length: a.users }, (_, i) => ({ kind: 'user' as const, i })),
    ...Array.from({ length: a.roles }, (_, i) => ({ kind: 'role' as const, i })),
    ...Array.from({ length: a.groups }, (_, i) => ({ kind: 'group' as const, i })),
    ...Array.from({ length: a.policies }, (_, i) => ({ kind: 'policy' as const, i })),
  ];
}

/** Mocks IAMClient and EC2Client with the account; returns the call counter and a restore. */
export function mockLargeAccount(a: LargeAccount = LARGE_ACCOUNT): {
  readonly calls: () => Record<string, number>;
  readonly restore: () => void;
} {
  const iam = mockClient(IAMClient);
  const ec2 = mockClient(EC2Client);
  const all = entries(a);
  iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: { MaxItems?: number; Marker?: string }) => {
    const start = Number(input.Marker ?? 0);
    const page = all.slice(start, start + (input.MaxItems ?? 100));
    const next = start + page.length;
    return {
      IsTruncated: next < all.length,
      ...(next < all.length ? { Marker: String(next) } : {}),
      UserDetailList: page.flatMap((e) =>
        e.kind === 'user'
          ? [
              {
                UserName: userName(e.i),
                UserId: `AIDA${pad(e.i)}`,
                Arn: `arn:aws:iam::${ACCOUNT}:user/${userName(e.i)}`,
                Path: '/',
                CreateDate: CREATED,
                UserPolicyList: [{ PolicyName: 'own', PolicyDocument: doc([bucketRead(`data-${e.i}`)]) }],
                AttachedManagedPolicies: [
                  {
                    PolicyName: policyName(e.i % a.policies),
                    PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${policyName(e.i % a.policies)}`,
                  },
                ],
                GroupList: [groupName(e.i % a.groups)],
              },
            ]
          : [],
      ),
      RoleDetailList: page.flatMap((e) =>
        e.kind === 'role'
          ? [
              {
                RoleName: roleName(e.i),
                RoleId: `AROA${pad(e.i)}`,
                Arn: `arn:aws:iam::${ACCOUNT}:role/${roleName(e.i)}`,
                Path: '/',
                CreateDate: CREATED,
                AssumeRolePolicyDocument: doc([
                  {
                    Effect: 'Allow',
                    Principal: { Service: 'lambda.amazonaws.com' },
                    Action: 'sts:AssumeRole',
                  },
                ]),
                RolePolicyList: [
                  { PolicyName: 'data', PolicyDocument: doc([bucketRead(`role-data-${e.i}`)]) },
                  {
                    PolicyName: 'queue',
                    PolicyDocument: doc([
                      {
                        Effect: 'Allow',
                        Action: 'sqs:SendMessage',
                        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q-${e.i}`,
                      },
                    ]),
                  },
                ],
                AttachedManagedPolicies: [
                  {
                    PolicyName: `Managed${pad(e.i % a.awsManaged)}`,
                    PolicyArn: awsPolicyArn(e.i % a.awsManaged),
                  },
                ],
              },
            ]
          : [],
      ),
      GroupDetailList: page.flatMap((e) =>
        e.kind === 'group'
          ? [
              {
                GroupName: groupName(e.i),
                Arn: `arn:aws:iam::${ACCOUNT}:group/${groupName(e.i)}`,
                Path: '/',
                CreateDate: CREATED,
                GroupPolicyList: [{ PolicyName: 'team', PolicyDocument: doc([bucketRead(`team-${e.i}`)]) }],
              },
            ]
          : [],
      ),
      Policies: page.flatMap((e) =>
        e.kind === 'policy'
          ? [
              {
                PolicyName: policyName(e.i),
                Arn: `arn:aws:iam::${ACCOUNT}:policy/${policyName(e.i)}`,
                Path: '/',
                DefaultVersionId: 'v1',
                CreateDate: CREATED,
                PolicyVersionList: [
                  { VersionId: 'v1', IsDefaultVersion: true, Document: doc([bucketRead(`shared-${e.i}`)]) },
                ],
              },
            ]
          : [],
      ),
    };
  });
  iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
  const rows = Array.from({ length: a.users }, (_, i) => {
    const key = i % a.keyEvery === 0;
    const password = i % a.passwordEvery === 0;
    return [
      userName(i),
      `arn:aws:iam::${ACCOUNT}:user/${userName(i)}`,
      '2026-06-01T00:00:00+00:00',
      String(password),
      password ? '2026-11-30T00:00:00+00:00' : 'N/A',
      'N/A',
      'N/A',
      'false',
      String(key),
      key ? '2026-11-01T00:00:00+00:00' : 'N/A',
      key ? '2026-11-30T00:00:00+00:00' : 'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'N/A',
      'N/A',
      'N/A',
      'false',
      'N/A',
      'false',
      'N/A',
    ].join(',');
  });
  iam.on(GetCredentialReportCommand).resolves({
    Content: new TextEncoder().encode([header, ...rows].join('\n')),
    GeneratedTime: new Date('2026-12-01T11:00:00Z'),
  });
  iam.on(ListAccessKeysCommand).callsFake((input: { UserName?: string }) => ({
    AccessKeyMetadata: [
      {
        UserName: input.UserName,
        AccessKeyId: `AKIA${input.UserName?.toUpperCase().replace(/-/g, '')}`,
        Status: 'Active',
        CreateDate: new Date('2026-11-01T00:00:00Z'),
      },
    ],
    IsTruncated: false,
  }));
  iam.on(GetPolicyCommand).callsFake((input: { PolicyArn?: string }) => ({
    Policy: { Arn: input.PolicyArn, PolicyName: input.PolicyArn?.split('/').pop(), DefaultVersionId: 'v3' },
  }));
  iam.on(GetPolicyVersionCommand).resolves({
    PolicyVersion: {
      VersionId: 'v3',
      Document: doc([
        { Effect: 'Allow', Action: ['cloudwatch:GetMetricData', 'logs:GetLogEvents'], Resource: '*' },
      ]),
    },
  });
  ec2.on(DescribeInstancesCommand).resolves({
    Reservations: [
      {
        OwnerId: ACCOUNT,
        Instances: Array.from({ length: a.instances }, (_, i) => ({
          InstanceId: `i-${i.toString(16).padStart(17, '0')}`,
          State: { Name: 'running' },
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        })),
      },
    ],
  });
  ec2.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: {} });
  const calls = () => {
    const count: Record<string, number> = {};
    for (const call of [...iam.calls(), ...ec2.calls()]) {
      const name = (call.args[0] as { constructor: { name: string } }).constructor.name.replace(
        /Command$/,
        '',
      );
      count[name] = (count[name] ?? 0) + 1;
    }
    return count;
  };
  return {
    calls,
    restore: () => {
      iam.restore();
      ec2.restore();
    },
  };
}
