/**
 * The Lambda's IAM loaders (aws-sdk-client-mock) and what the iam-events function evaluates with: documents
 * URL-decoded, versions cached for good and the rest briefly, facts read from the record's own account only,
 * several rounds when a policy's holders must be known before their envelopes.
 */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../../src/core/types.ts';
import { evaluate } from '../../../src/engine/evaluate.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { FactCache } from '../../../src/knowledge/cache.ts';
import { iamFactLoaders } from '../../../src/knowledge/iam.ts';
import { recordKnowledge } from '../../../src/knowledge/lambda.ts';
import { accessDenied, throttled } from '../../helpers/awsErrors.ts';
import { baselineFrom, exampleBaseline } from '../../helpers/baseline.ts';
import {
  ACCOUNT,
  addUserToGroup,
  attachPolicy,
  createPolicyVersion,
  deleteBoundary,
  policyArn,
  setDefaultPolicyVersion,
} from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const OWN = { known: true as const, account: ACCOUNT };
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const adminDocument = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
/** IAM's Get*Policy* replies carry the document URL-encoded. */
const encoded = (document: unknown): string =>
  encodeURIComponent(typeof document === 'string' ? document : JSON.stringify(document));

function record(json: unknown): CloudTrailRecord {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.record;
}

function mockAdministratorAccess(): void {
  iamMock
    .on(GetPolicyCommand, { PolicyArn: ADMIN })
    .resolves({ Policy: { Arn: ADMIN, DefaultVersionId: 'v1' } });
  iamMock.on(GetPolicyVersionCommand, { PolicyArn: ADMIN, VersionId: 'v1' }).resolves({
    PolicyVersion: { VersionId: 'v1', IsDefaultVersion: true, Document: encoded(adminDocument) },
  });
}

describe('IAM fact loaders', () => {
  beforeEach(() => iamMock.reset());

  it('read a managed policy: its default version, then that version, URL-decoded; versions are kept for good', async () => {
    mockAdministratorAccess();
    let now = 0;
    const loaders = iamFactLoaders(iam, { ttlMs: 1000, now: () => now });
    const answer = await loaders.managedPolicy?.({ kind: 'managedPolicy', policyArn: ADMIN });
    expect(answer).toEqual({
      known: true,
      source: 'iam',
      value: { policyArn: ADMIN, versionId: 'v1', document: adminDocument },
    });
    await loaders.managedPolicy?.({ kind: 'managedPolicy', policyArn: ADMIN });
    expect(iamMock.commandCalls(GetPolicyCommand)).toHaveLength(1);
    now = 2000;
    await loaders.managedPolicy?.({ kind: 'managedPolicy', policyArn: ADMIN });
    // The default version is asked again after the TTL; the version's document never is.
    expect(iamMock.commandCalls(GetPolicyCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
  });

  it('read who a policy is attached to, page by page', async () => {
    iamMock
      .on(ListEntitiesForPolicyCommand)
      .resolvesOnce({ PolicyRoles: [{ RoleName: 'r1' }], IsTruncated: true, Marker: 'm' })
      .resolvesOnce({ PolicyUsers: [{ UserName: 'u1' }], PolicyGroups: [{ GroupName: 'g1' }] });
    const loaders = iamFactLoaders(iam);
    const answer = await loaders.policyEntities?.({ kind: 'policyEntities', policyArn: policyArn('P') });
    expect(answer).toEqual({
      known: true,
      source: 'iam',
      value: [
        { kind: 'role', name: 'r1' },
        { kind: 'user', name: 'u1' },
        { kind: 'group', name: 'g1' },
      ],
    });
  });

  it("read a group's inline and attached policies with their documents", async () => {
    mockAdministratorAccess();
    iamMock.on(ListGroupPoliciesCommand).resolves({ PolicyNames: ['inline-1'] });
    iamMock.on(GetGroupPolicyCommand).resolves({
      GroupName: 'ops',
      PolicyName: 'inline-1',
      PolicyDocument: encoded({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      }),
    });
    iamMock
      .on(ListAttachedGroupPoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyArn: ADMIN, PolicyName: 'AdministratorAccess' }] });
    const answer = await iamFactLoaders(iam).groupPolicies?.({ kind: 'groupPolicies', groupName: 'ops' });
    expect(answer?.known && answer.value).toEqual([
      expect.objectContaining({
        kind: 'inline',
        name: 'inline-1',
        document: expect.stringContaining('s3:GetObject'),
      }),
      {
        kind: 'managed',
        name: 'AdministratorAccess',
        policyArn: ADMIN,
        versionId: 'v1',
        document: adminDocument,
      },
    ]);
  });
});

describe('the knowledge iam-events evaluates with', () => {
  // A cold container each time: what one test reads is not cached for the next.
  let knowledge = recordKnowledge({ own: iamFactLoaders(iam) });
  beforeEach(() => {
    iamMock.reset();
    knowledge = recordKnowledge({ own: iamFactLoaders(iam) });
  });

  it('judges AdministratorAccess attached to a seed role on the document IAM returns', async () => {
    mockAdministratorAccess();
    const rec = record(attachPolicy('Role', 'XploreEC2Role', ADMIN));
    const result = evaluate(rec, exampleBaseline(), {
      knowledge: await knowledge(rec, exampleBaseline(), OWN),
    });
    expect(
      result.kind === 'evaluated' && result.findings.map((f) => `${f.ruleId}:${f.severity}`).sort(),
    ).toEqual([
      'iam.policy.drift:high',
      'iam.policy.never-grant:critical',
      'iam.policy.privesc:critical',
      'iam.policy.wildcard:critical',
    ]);
  });

  it('says what it could not read, never passes in silence', async () => {
    iamMock.on(GetPolicyCommand).rejects(accessDenied('iam:GetPolicy'));
    const rec = record(attachPolicy('Role', 'XploreEC2Role', policyArn('TeamPolicy')));
    const result = evaluate(rec, exampleBaseline(), {
      knowledge: await knowledge(rec, exampleBaseline(), OWN),
    });
    const [finding] = result.kind === 'evaluated' ? result.findings : [];
    expect(finding?.ruleId).toBe('iam.policy.unknown-document');
    expect(finding?.summary).toMatch(/IAM said AccessDenied: .*iam:GetPolicy/);
  });

  it('throws a throttled read, so the event is retried rather than judged on less', async () => {
    iamMock.on(GetPolicyCommand).rejects(throttled());
    const rec = record(attachPolicy('Role', 'XploreEC2Role', ADMIN));
    await expect(knowledge(rec, exampleBaseline(), OWN)).rejects.toThrow('Rate exceeded');
  });

  it("reads a new version's holders, then their envelopes' AWS managed documents (a second round)", async () => {
    const baseline = baselineFrom(`version: 1
roles:
  reader:
    managedPolicies: [arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess]
`);
    const readOnly = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    iamMock.on(ListEntitiesForPolicyCommand).resolves({ PolicyRoles: [{ RoleName: 'reader' }] });
    iamMock.on(GetPolicyCommand, { PolicyArn: readOnly }).resolves({ Policy: { DefaultVersionId: 'v3' } });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: readOnly }).resolves({
      PolicyVersion: {
        Document: encoded({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }],
        }),
      },
    });
    const within = record(
      createPolicyVersion(
        policyArn('Shared'),
        { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } },
        'v2',
        true,
      ),
    );
    const result = evaluate(within, baseline, { knowledge: await knowledge(within, baseline, OWN) });
    expect(result.kind === 'evaluated' && result.findings).toEqual([]);
    expect(iamMock.commandCalls(GetPolicyVersionCommand)).toHaveLength(1);
    const beyond = record(
      createPolicyVersion(
        policyArn('Shared'),
        { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' } },
        'v3',
        true,
      ),
    );
    const drift = evaluate(beyond, baseline, { knowledge: await knowledge(beyond, baseline, OWN) });
    expect(
      drift.kind === 'evaluated' && drift.findings.map((f) => [f.ruleId, f.details.principals]),
    ).toContainEqual(['iam.policy.drift', ['role/reader']]);
  });

  it('judges a removed boundary on the policies the role holds now', async () => {
    iamMock.on(ListRolePoliciesCommand).resolves({ PolicyNames: ['wide'] });
    iamMock.on(GetRolePolicyCommand).resolves({
      PolicyDocument: encoded({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      }),
    });
    iamMock.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
    const rec = record(deleteBoundary('Role', 'XploreEC2Role'));
    const result = evaluate(rec, exampleBaseline(), {
      knowledge: await knowledge(rec, exampleBaseline(), OWN),
    });
    const ids = result.kind === 'evaluated' ? result.findings.map((f) => f.ruleId).sort() : [];
    expect(ids).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.privesc',
      'iam.policy.wildcard',
    ]);
    // The example baseline never grants anyone iam:PassRole on *: the unbounded policies are judged for that too.
    const neverGrant =
      result.kind === 'evaluated'
        ? result.findings.find((f) => f.ruleId === 'iam.policy.never-grant')
        : undefined;
    expect(neverGrant?.details).toMatchObject({ path: 'boundary', roleName: 'XploreEC2Role' });
    const drift =
      result.kind === 'evaluated' ? result.findings.find((f) => f.ruleId === 'iam.policy.drift') : undefined;
    expect(drift?.details).toMatchObject({
      path: 'boundary',
      roleName: 'XploreEC2Role',
      document: 'inline policy wide',
    });
  });

  it("never reads another account's principals with its own credentials", async () => {
    mockAdministratorAccess();
    const other = record({
      ...addUserToGroup('chatbot-dev-alice', 'ops'),
      recipientAccountId: '210987654321',
    });
    const answer = await knowledge(other, exampleBaseline(), OWN);
    expect(answer.groupPolicies('ops', other.eventTime)).toEqual({
      known: false,
      why: "account 210987654321 is not this function's and no member role is configured to read it",
    });
    expect(iamMock.calls()).toHaveLength(0);
    // AWS managed documents are the same everywhere: read with its own credentials.
    const attach = record({
      ...attachPolicy('Role', 'XploreEC2Role', ADMIN),
      recipientAccountId: '210987654321',
    });
    expect(
      (await knowledge(attach, exampleBaseline(), OWN)).managedPolicy(ADMIN, attach.eventTime),
    ).toMatchObject({
      known: true,
      value: { versionId: 'v1' },
    });
  });

  it("reads a member account's facts with that account's loaders", async () => {
    const asked: string[] = [];
    const perAccount = recordKnowledge({
      own: iamFactLoaders(iam),
      member: (account) => ({
        managedPolicy: async ({ policyArn: arn, versionId }) => {
          asked.push(`${account} ${arn} ${versionId}`);
          return {
            known: true,
            source: 'iam',
            value: { policyArn: arn, versionId: versionId ?? 'v1', document: adminDocument },
          };
        },
      }),
    });
    const rec = record({
      ...setDefaultPolicyVersion('arn:aws:iam::210987654321:policy/P', 'v2'),
      recipientAccountId: '210987654321',
    });
    await perAccount(rec, exampleBaseline(), OWN);
    expect(asked).toEqual(['210987654321 arn:aws:iam::210987654321:policy/P v2']);
    expect(iamMock.calls()).toHaveLength(0);
  });
});

describe('the fact cache', () => {
  it('keeps at most its limit, shares an in-flight load, and forgets a failure', async () => {
    const cache = new FactCache({ ttlMs: 10, limit: 2, now: () => 0 });
    let loads = 0;
    const load = async () => ++loads;
    await Promise.all([cache.immutable('a', load), cache.immutable('a', load)]);
    expect(loads).toBe(1);
    await cache.immutable('b', load);
    await cache.immutable('c', load);
    expect(cache.size).toBe(2);
    await expect(cache.mutable('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.mutable('x', async () => 'second')).toBe('second');
  });
});
