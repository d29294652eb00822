/**
 * AWS managed documents read from IAM for the replay function (aws-sdk-client-mock): the version that was the
 * default at each record's time, one listing per policy and one read per version, an inexact stand-in when
 * IAM keeps nothing that old, and IAM's refusal as the reason a document is unknown.
 */
import { GetPolicyVersionCommand, IAMClient, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readAwsManagedFromIam } from '../../../src/knowledge/iamManaged.ts';
import { accessDenied } from '../../helpers/awsErrors.ts';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const iamMock = mockClient(IAMClient);
const document = (action: string) =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
    }),
  );

beforeEach(() => {
  iamMock.reset();
  iamMock.on(ListPolicyVersionsCommand, { PolicyArn: ADMIN }).resolves({
    Versions: [
      { VersionId: 'v2', CreateDate: new Date('2024-06-01T00:00:00Z'), IsDefaultVersion: true },
      { VersionId: 'v1', CreateDate: new Date('2015-02-06T18:39:46Z'), IsDefaultVersion: false },
    ],
  });
  iamMock.on(GetPolicyVersionCommand, { PolicyArn: ADMIN, VersionId: 'v1' }).resolves({
    PolicyVersion: { VersionId: 'v1', Document: document('*') },
  });
  iamMock.on(GetPolicyVersionCommand, { PolicyArn: ADMIN, VersionId: 'v2' }).resolves({
    PolicyVersion: { VersionId: 'v2', Document: document('s3:*') },
  });
  iamMock
    .on(ListPolicyVersionsCommand, { PolicyArn: READ_ONLY })
    .rejects(accessDenied('iam:ListPolicyVersions'));
});

describe('readAwsManagedFromIam', () => {
  it('answers each record with the version that was the default at its time, URL-decoded', async () => {
    const requests = [
      { policyArn: ADMIN, at: '2020-01-01T00:00:00Z' },
      { policyArn: ADMIN, at: '2025-01-01T00:00:00Z' },
      { policyArn: ADMIN, at: '2021-01-01T00:00:00Z' },
    ];
    const managed = await readAwsManagedFromIam(new IAMClient({ region: 'us-east-1' }), requests);
    expect(managed(ADMIN, '2020-01-01T00:00:00Z')).toEqual({
      known: true,
      source: 'iam',
      value: { policyArn: ADMIN, versionId: 'v1', document: decodeURIComponent(document('*')) },
    });
    const later = managed(ADMIN, '2025-01-01T00:00:00Z');
    expect(later.known && later.value.versionId).toBe('v2');
    // One listing for the policy, one read per version, however many records asked.
    expect(iamMock.commandCalls(ListPolicyVersionsCommand)).toHaveLength(1);
    expect(iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(2);
    // A question nobody asked for before is not answered from a guess.
    expect(managed(ADMIN, '2019-01-01T00:00:00Z')).toMatchObject({ known: false });
  });

  it('stands in the oldest version IAM keeps for an earlier time, marked inexact; a given version as asked', async () => {
    const managed = await readAwsManagedFromIam(new IAMClient({ region: 'us-east-1' }), [
      { policyArn: ADMIN, at: '2010-01-01T00:00:00Z' },
      { policyArn: ADMIN, at: '2010-01-01T00:00:00Z', versionId: 'v2' },
    ]);
    const early = managed(ADMIN, '2010-01-01T00:00:00Z');
    expect(early.known && early.value).toMatchObject({ versionId: 'v1', exact: false });
    const asked = managed(ADMIN, '2010-01-01T00:00:00Z', 'v2');
    expect(asked.known && asked.value).toMatchObject({ versionId: 'v2' });
    expect(asked.known && asked.value.exact).toBeUndefined();
  });

  it('says why a document is unknown when IAM refuses, and reads the others', async () => {
    const managed = await readAwsManagedFromIam(new IAMClient({ region: 'us-east-1' }), [
      { policyArn: READ_ONLY, at: '2025-01-01T00:00:00Z' },
      { policyArn: ADMIN, at: '2025-01-01T00:00:00Z' },
    ]);
    const refused = managed(READ_ONLY, '2025-01-01T00:00:00Z');
    expect(refused.known).toBe(false);
    expect(!refused.known && refused.why).toMatch(
      /^arn:aws:iam::aws:policy\/ReadOnlyAccess could not be read from IAM \(AccessDenied: /,
    );
    expect(managed(ADMIN, '2025-01-01T00:00:00Z').known).toBe(true);
  });
});
