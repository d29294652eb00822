import {
  GetAccessKeyLastUsedCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  ListUserTagsCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { fetchAccountSnapshot } from '../../../src/sweep/fetch.ts';
import { accessDenied, throttled } from '../../helpers/awsErrors.ts';
import { ACCOUNT } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const created = new Date('2026-01-01T00:00:00Z');
const users = (names: string[]) =>
  names.map((UserName) => ({
    UserName,
    UserId: `AIDA${UserName}`,
    Path: '/',
    Arn: `arn:aws:iam::${ACCOUNT}:user/${UserName}`,
    CreateDate: created,
  }));

describe('account snapshot adapter', () => {
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(ListAccessKeysCommand).resolves({ AccessKeyMetadata: [] });
  });

  it('pages through ListUsers and reads tags, keys and key last use', async () => {
    iamMock
      .on(ListUsersCommand)
      .resolvesOnce({ Users: users(['a', 'b']), IsTruncated: true, Marker: 'page-2' })
      .resolvesOnce({
        Users: [{ ...users(['c'])[0], PasswordLastUsed: new Date('2026-11-30T00:00:00Z') } as never],
      });
    iamMock
      .on(ListUserTagsCommand, { UserName: 'b' })
      .resolves({ Tags: [{ Key: 'guardrail:ephemeral', Value: 'true' }] });
    iamMock.on(ListAccessKeysCommand, { UserName: 'c' }).resolves({
      AccessKeyMetadata: [{ UserName: 'c', AccessKeyId: 'AKIAC', Status: 'Active', CreateDate: created }],
    });
    iamMock.on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAC' }).resolves({
      UserName: 'c',
      AccessKeyLastUsed: {
        LastUsedDate: new Date('2026-11-29T00:00:00Z'),
        ServiceName: 's3',
        Region: 'us-east-1',
      },
    });

    const snapshot = await fetchAccountSnapshot(iam, { now: new Date('2026-12-01T00:00:00Z') });
    expect(iamMock.commandCalls(ListUsersCommand)[1]?.args[0].input).toEqual({ Marker: 'page-2' });
    expect(snapshot).toEqual({
      account: ACCOUNT,
      takenAt: '2026-12-01T00:00:00.000Z',
      unreadable: [],
      users: [
        {
          userName: 'a',
          arn: `arn:aws:iam::${ACCOUNT}:user/a`,
          createdAt: created.toISOString(),
          tags: {},
          accessKeys: [],
        },
        {
          userName: 'b',
          arn: `arn:aws:iam::${ACCOUNT}:user/b`,
          createdAt: created.toISOString(),
          tags: { 'guardrail:ephemeral': 'true' },
          accessKeys: [],
        },
        {
          userName: 'c',
          arn: `arn:aws:iam::${ACCOUNT}:user/c`,
          createdAt: created.toISOString(),
          passwordLastUsedAt: '2026-11-30T00:00:00.000Z',
          tags: {},
          accessKeys: [
            {
              accessKeyId: 'AKIAC',
              status: 'Active',
              createdAt: created.toISOString(),
              lastUsedAt: '2026-11-29T00:00:00.000Z',
            },
          ],
        },
      ],
    });
  });

  it('lists a user it cannot read as unreadable and goes on with the others (partial failure)', async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: users(['ok', 'locked', 'busy']) });
    iamMock.on(ListUserTagsCommand, { UserName: 'locked' }).rejects(accessDenied('iam:ListUserTags'));
    iamMock.on(ListAccessKeysCommand, { UserName: 'busy' }).rejects(throttled());
    const snapshot = await fetchAccountSnapshot(iam);
    expect(snapshot.users.map((u) => u.userName)).toEqual(['ok']);
    expect(snapshot.unreadable).toEqual([
      { userName: 'locked', error: expect.stringMatching(/^AccessDenied: .*iam:ListUserTags$/) },
      { userName: 'busy', error: 'Throttling: Rate exceeded' },
    ]);
  });

  it('fails the sweep when the users cannot be listed at all', async () => {
    iamMock.on(ListUsersCommand).rejects(accessDenied('iam:ListUsers'));
    await expect(fetchAccountSnapshot(iam)).rejects.toThrow(/iam:ListUsers/);
  });

  it('reads at most `concurrency` users at a time', async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: users(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']) });
    let inFlight = 0;
    let peak = 0;
    iamMock.on(ListUserTagsCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { Tags: [] };
    });
    const snapshot = await fetchAccountSnapshot(iam, { concurrency: 2 });
    expect(snapshot.users).toHaveLength(7);
    expect(peak).toBe(2);
  });
});
