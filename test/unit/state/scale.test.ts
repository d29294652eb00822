/**
 * Scale: the reader on an account of 10,000 users and 2,000 roles (mocked clients, test/helpers/largeAccount.ts)
 * makes one GetAccountAuthorizationDetails call per 1,000 entries, one credential report, ListAccessKeys only
 * for the users holding a key and one GetPolicy + GetPolicyVersion per AWS managed policy carried. Time and
 * memory are measured by `npm run bench:scan` (docs/lambda.md), never asserted here.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { readAccountState } from '../../../src/state/read.ts';
import { LARGE_ACCOUNT, mockLargeAccount } from '../../helpers/largeAccount.ts';

const mocked = mockLargeAccount();
afterAll(() => mocked.restore());

describe('reading a large account', () => {
  it('pages by 1,000 and reads keys only for the users holding one', async () => {
    const a = LARGE_ACCOUNT;
    const state = await readAccountState(
      { iam: new IAMClient({ region: 'us-east-1' }), ec2: () => new EC2Client({ region: 'us-east-1' }) },
      {
        regions: ['us-east-1'],
        now: new Date('2026-12-01T12:00:00Z'),
        reportPoll: { delayMs: 0, attempts: 1 },
      },
    );
    expect(state.problems).toEqual([]);
    expect([state.users.length, state.roles.length, state.groups.length, state.policies.length]).toEqual([
      a.users,
      a.roles,
      a.groups,
      a.policies,
    ]);
    const entries = a.users + a.roles + a.groups + a.policies;
    expect(mocked.calls()).toEqual({
      GetAccountAuthorizationDetails: Math.ceil(entries / 1000),
      GenerateCredentialReport: 1,
      GetCredentialReport: 1,
      ListAccessKeys: Math.ceil(a.users / a.keyEvery),
      GetPolicy: a.awsManaged,
      GetPolicyVersion: a.awsManaged,
      DescribeInstances: 1,
      GetInstanceMetadataDefaults: 1,
    });
    expect(state.users.filter((u) => (u.credentials?.accessKeys.length ?? 0) > 0)).toHaveLength(
      Math.ceil(a.users / a.keyEvery),
    );
  });
});
