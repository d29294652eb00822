/**
 * The state reader on mocked SDK clients: which calls it makes and how it pages, what it makes of IAM's
 * replies (URL-encoded documents, the credential report's CSV), and what it does when a part fails.
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
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/replay/errors.ts';
import { parseCredentialReport } from '../../../src/state/credentialReport.ts';
import { decodeDocument, readAccountState } from '../../../src/state/read.ts';
import { accessDenied } from '../../helpers/awsErrors.ts';
import { ACCOUNT } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const ec2Mock = mockClient(EC2Client);
const iam = new IAMClient({ region: 'us-east-1' });
const clients = { iam, ec2: (region: string) => new EC2Client({ region }) };
const NOW = new Date('2026-12-01T12:00:00Z');
const POLL = { delayMs: 0, attempts: 3 };
const encode = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const doc = (action: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
});

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

function reportRow(
  user: string,
  options: { password?: string; key1?: [string, string, string]; key2?: [string, string, string] } = {},
): string {
  const [k1a, k1r, k1u] = options.key1 ?? ['false', 'N/A', 'N/A'];
  const [k2a, k2r, k2u] = options.key2 ?? ['false', 'N/A', 'N/A'];
  const arn =
    user === '<root_account>' ? `arn:aws:iam::${ACCOUNT}:root` : `arn:aws:iam::${ACCOUNT}:user/${user}`;
  const password = options.password ?? 'not_supported';
  return [
    user,
    arn,
    '2026-01-01T00:00:00+00:00',
    password === 'not_supported' ? 'false' : 'true',
    password,
    'N/A',
    'N/A',
    'false',
    k1a,
    k1r,
    k1u,
    'N/A',
    'N/A',
    k2a,
    k2r,
    k2u,
    'N/A',
    'N/A',
    'false',
    'N/A',
    'false',
    'N/A',
  ].join(',');
}

function reply(content: string) {
  return { Content: new TextEncoder().encode(content), GeneratedTime: new Date('2026-12-01T11:00:00Z') };
}

beforeEach(() => {
  iamMock.reset();
  ec2Mock.reset();
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  iamMock.on(GetCredentialReportCommand).resolves(reply(HEADER));
  ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2Mock.on(GetInstanceMetadataDefaultsCommand).resolves({ AccountLevel: {} });
});

describe('the state reader', () => {
  it('pages GetAccountAuthorizationDetails by 1,000, decodes documents and reads what the report says', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        IsTruncated: true,
        Marker: 'page-2',
        UserDetailList: [
          {
            UserName: 'alice',
            UserId: 'AIDAALICE',
            Path: '/',
            Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            CreateDate: new Date('2026-01-01T00:00:00Z'),
            UserPolicyList: [{ PolicyName: 'inline', PolicyDocument: encode(doc('s3:GetObject')) }],
            GroupList: ['devs'],
            AttachedManagedPolicies: [
              { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            ],
            Tags: [{ Key: 'team', Value: 'data' }],
          },
        ],
      })
      .resolvesOnce({
        IsTruncated: false,
        RoleDetailList: [
          {
            RoleName: 'app',
            Path: '/',
            Arn: `arn:aws:iam::${ACCOUNT}:role/app`,
            AssumeRolePolicyDocument: encode({ Version: '2012-10-17', Statement: [] }),
            RolePolicyList: [{ PolicyName: 'p', PolicyDocument: encode(doc('sqs:SendMessage')) }],
            PermissionsBoundary: { PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/Boundary` },
          },
        ],
        GroupDetailList: [{ GroupName: 'devs', Arn: `arn:aws:iam::${ACCOUNT}:group/devs`, Path: '/' }],
        Policies: [
          {
            Arn: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
            DefaultVersionId: 'v2',
            PolicyVersionList: [
              { VersionId: 'v1', Document: encode(doc('s3:*')), IsDefaultVersion: false },
              { VersionId: 'v2', Document: encode(doc('s3:Get*')), IsDefaultVersion: true },
            ],
          },
        ],
      });
    iamMock.on(GetCredentialReportCommand).resolves(
      reply(
        [
          HEADER,
          reportRow('<root_account>', { key1: ['true', '2020-01-01T00:00:00+00:00', 'N/A'] }),
          reportRow('alice', {
            password: '2026-11-30T08:00:00+00:00',
            key1: ['true', '2026-02-01T10:00:00+00:00', '2026-11-29T00:00:00+00:00'],
          }),
        ].join('\n'),
      ),
    );
    iamMock.on(ListAccessKeysCommand, { UserName: 'alice' }).resolves({
      AccessKeyMetadata: [
        {
          UserName: 'alice',
          AccessKeyId: 'AKIAALICE',
          Status: 'Active',
          CreateDate: new Date('2026-02-01T10:00:00Z'),
        },
      ],
    });
    iamMock
      .on(GetPolicyCommand)
      .resolves({ Policy: { PolicyName: 'ReadOnlyAccess', DefaultVersionId: 'v9' } });
    iamMock
      .on(GetPolicyVersionCommand)
      .resolves({ PolicyVersion: { Document: encode(doc('s3:List*')), VersionId: 'v9' } });

    const state = await readAccountState(clients, { regions: [], now: NOW, reportPoll: POLL });
    const pages = iamMock.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toEqual({
      Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'],
      MaxItems: 1000,
      Marker: 'page-2',
    });
    expect(state.account).toBe(ACCOUNT);
    expect(state.users[0]).toEqual({
      userName: 'alice',
      userId: 'AIDAALICE',
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      path: '/',
      createdAt: '2026-01-01T00:00:00.000Z',
      tags: { team: 'data' },
      inlinePolicies: [{ name: 'inline', document: JSON.stringify(doc('s3:GetObject')) }],
      attachedPolicies: [{ name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      groups: ['devs'],
      credentials: {
        passwordEnabled: true,
        passwordLastUsedAt: '2026-11-30T08:00:00.000Z',
        accessKeys: [
          {
            accessKeyId: 'AKIAALICE',
            status: 'Active',
            createdAt: '2026-02-01T10:00:00.000Z',
            lastUsedAt: '2026-11-29T00:00:00.000Z',
          },
        ],
      },
    });
    expect(state.roles[0]).toMatchObject({
      roleName: 'app',
      trustPolicy: '{"Version":"2012-10-17","Statement":[]}',
      boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
    });
    // The name comes from the ARN when the reply leaves PolicyName out (as moto does).
    expect(state.policies[0]).toMatchObject({ name: 'Boundary', defaultVersionId: 'v2' });
    expect(state.awsManagedPolicies).toEqual([
      {
        arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
        name: 'ReadOnlyAccess',
        versionId: 'v9',
        document: JSON.stringify(doc('s3:List*')),
      },
    ]);
    expect(state.rootAccessKeys).toEqual([{ slot: 1, createdAt: '2020-01-01T00:00:00.000Z' }]);
    expect(state.credentialReportAt).toBe('2026-12-01T11:00:00.000Z');
    expect(state.problems).toEqual([]);
  });

  it('polls the credential report until IAM has made it, and lists what cannot be read without failing', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [{ UserName: 'bob', Arn: `arn:aws:iam::${ACCOUNT}:user/bob`, Path: '/' }],
    });
    iamMock
      .on(GenerateCredentialReportCommand)
      .resolvesOnce({ State: 'STARTED' })
      .resolvesOnce({ State: 'INPROGRESS' })
      .resolves({ State: 'COMPLETE' });
    iamMock
      .on(GetCredentialReportCommand)
      .resolves(
        reply([HEADER, reportRow('bob', { key1: ['true', '2026-01-01T00:00:00+00:00', 'N/A'] })].join('\n')),
      );
    iamMock.on(ListAccessKeysCommand).rejects(accessDenied('iam:ListAccessKeys'));
    ec2Mock.on(GetInstanceMetadataDefaultsCommand).rejects(accessDenied('ec2:GetInstanceMetadataDefaults'));
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          OwnerId: ACCOUNT,
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              State: { Name: 'running' },
              Tags: [{ Key: 'guardrail:imds-profile', Value: 'containers' }],
              MetadataOptions: {
                HttpTokens: 'optional',
                HttpPutResponseHopLimit: 2,
                HttpEndpoint: 'enabled',
              },
            },
          ],
        },
      ],
    });
    const state = await readAccountState(clients, { regions: ['eu-west-1'], now: NOW, reportPoll: POLL });
    expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
    expect(state.users[0]?.credentials).toBeUndefined();
    expect(state.regions).toEqual([
      {
        region: 'eu-west-1',
        instances: [
          {
            instanceId: 'i-0123456789abcdef0',
            region: 'eu-west-1',
            ownerId: ACCOUNT,
            state: 'running',
            tags: { 'guardrail:imds-profile': 'containers' },
            metadataOptions: { httpTokens: 'optional', hopLimit: 2, httpEndpoint: 'enabled' },
          },
        ],
      },
    ]);
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input).toMatchObject({
      Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }],
    });
    expect(state.problems.map((p) => p.what)).toEqual([
      'the access keys of bob',
      'EC2 instance metadata defaults in eu-west-1 (GetInstanceMetadataDefaults)',
    ]);
    expect(state.problems[0]?.error).toMatch(/^AccessDenied: /);
  });

  it('gives up on a credential report that never completes, and still reads the rest', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({});
    iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
    const state = await readAccountState(clients, { regions: [], now: NOW, reportPoll: POLL });
    expect(state.problems).toEqual([
      {
        what: 'the credential report (passwords and access keys)',
        error: 'Error: the credential report was still INPROGRESS after 3 polls',
      },
    ]);
    expect(state.rootAccessKeys).toBeUndefined();
  });

  it('cannot start without the authorization details: one line naming the call', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .rejects(accessDenied('iam:GetAccountAuthorizationDetails'));
    const read = readAccountState(clients, { regions: [], now: NOW, reportPoll: POLL });
    await expect(read).rejects.toBeInstanceOf(SourceError);
    await expect(read).rejects.toThrow(/^IAM GetAccountAuthorizationDetails: AccessDenied: /);
  });

  it('names the users newer than the credential report instead of judging them on nothing', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [{ UserName: 'new', Arn: `arn:aws:iam::${ACCOUNT}:user/new`, Path: '/' }],
    });
    const state = await readAccountState(clients, { regions: [], now: NOW, reportPoll: POLL });
    expect(state.users[0]?.credentials).toBeUndefined();
    expect(state.problems[0]?.what).toBe(
      'the password and keys of 1 user(s) created after the credential report',
    );
  });
});

describe('credential report and document decoding', () => {
  it('reads rows by column name, quoted fields included', () => {
    const rows = parseCredentialReport(
      [
        'user,arn,password_enabled,password_last_used,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date',
        '"a,b",arn:aws:iam::1:user/a,true,no_information,false,2026-01-01T00:00:00+00:00,N/A',
        '"say ""hi""",arn:aws:iam::1:user/b,false,not_supported,true,N/A,N/A',
      ].join('\r\n'),
    );
    expect(rows).toEqual([
      {
        user: 'a,b',
        arn: 'arn:aws:iam::1:user/a',
        passwordEnabled: true,
        keys: [{ slot: 1, active: false, createdAt: '2026-01-01T00:00:00.000Z' }],
      },
      {
        user: 'say "hi"',
        arn: 'arn:aws:iam::1:user/b',
        passwordEnabled: false,
        keys: [{ slot: 1, active: true }],
      },
    ]);
  });

  it('decodes any policy document IAM URL-encodes back to the same JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify({ Version: '2012-10-17', Statement: value });
        expect(decodeDocument(encodeURIComponent(text))).toBe(text);
        expect(decodeDocument(text)).toBe(text);
      }),
    );
  });
});
