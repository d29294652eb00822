/** `guardrail baseline snapshot`, pure: the account's state as a baseline it passes, and --merge. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseBaseline } from '../../../src/baseline/load.ts';
import { GuardrailTag } from '../../../src/core/tags.ts';
import { scanState } from '../../../src/state/scan.ts';
import { snapshotBaseline, trustOf } from '../../../src/state/snapshot.ts';
import type { AccountState } from '../../../src/state/state.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';
import { ACCOUNT } from '../../helpers/records.ts';
import {
  accountState,
  customerPolicy,
  group,
  instance,
  key,
  policy,
  role,
  SCAN_TIME,
  user,
} from '../../helpers/state.ts';

const S3_READ = { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' };
const WIDE = policy([{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }]);

const account: AccountState = accountState({
  users: [
    user('svc-ci', {
      keys: [key('AKIASVC', '2026-11-20T00:00:00.000Z')],
      inlinePolicies: [{ name: 'ci', document: policy([S3_READ]) }],
      attachedPolicies: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Deploy`, name: 'Deploy' }],
      groups: ['ops'],
    }),
    user('alice', { password: true }),
    user('temporaryaccessX', { tags: { [GuardrailTag.ephemeral]: 'true' } }),
  ],
  roles: [
    role('app-role', {
      inlinePolicies: [
        { name: 'b', document: policy([S3_READ]) },
        {
          name: 'a',
          document: policy([S3_READ, { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }]),
        },
      ],
      attachedPolicies: [
        { arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess', name: 'ReadOnlyAccess' },
        { arn: `arn:aws:iam::${ACCOUNT}:policy/Deploy`, name: 'Deploy' },
      ],
      boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
    }),
    role('guardrail-prod-iam-events'),
    role('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/' }),
    role('AWSReservedSSO_Admin_0123', { path: '/aws-reserved/sso.amazonaws.com/' }),
  ],
  groups: [group('ops', { inlinePolicies: [{ name: 'ops', document: policy([S3_READ]) }] })],
  policies: [customerPolicy('Deploy', WIDE, 'v3'), customerPolicy('Boundary', policy([S3_READ]))],
  awsManagedPolicies: [
    {
      arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      name: 'ReadOnlyAccess',
      versionId: 'v1',
      document: policy([{ Effect: 'Allow', Action: ['s3:Get*', 'ec2:Describe*'], Resource: '*' }]),
    },
  ],
  regions: [
    {
      region: 'eu-west-1',
      instances: [
        instance('i-0a1b2c3d4e5f60718', { httpTokens: 'required', hopLimit: 2, httpEndpoint: 'enabled' }),
        instance('i-0a1b2c3d4e5f60719', { httpTokens: 'required', hopLimit: 1, httpEndpoint: 'enabled' }),
        instance(
          'i-1234567890abcdef0',
          { httpTokens: 'optional', hopLimit: 1, httpEndpoint: 'enabled' },
          {
            tags: { Name: 'legacy' },
          },
        ),
      ],
      metadataDefaults: {},
    },
  ],
});

/** Whether this build's IMDS rules honour `imds.profiles` (they land with the IMDS branch). */
function profilesLanded(): boolean {
  const state = accountState({
    regions: [
      {
        region: 'eu-west-1',
        instances: [
          instance('i-0a1b2c3d4e5f60718', { httpTokens: 'required', hopLimit: 2, httpEndpoint: 'enabled' }),
        ],
      },
    ],
  });
  const baseline = parseBaseline(
    'version: 1\nimds:\n  profiles:\n    - {name: p, match: {instanceIds: [i-0a1b2c3d4e5f60718]}, maxHopLimit: 2}\n',
    'b.yml',
  );
  return scanState(state, baseline, { scanId: 's' }).findings.length === 0;
}

describe('baseline snapshot', () => {
  it('writes a valid baseline the same account passes', () => {
    const result = snapshotBaseline(account, { schema: './baseline.schema.json' });
    const baseline = parseBaseline(result.text, 'snapshot.yml');
    const scanned = scanState(account, baseline, { scanId: 's' });
    // The ephemeral user is left to an ephemeral pattern (said in a note); IMDS profiles judge instances once
    // the IMDS rules read them.
    const leftToPatterns = `arn:aws:iam::${ACCOUNT}:user/temporaryaccessX`;
    expect(
      scanned.findings
        .filter(
          (f) =>
            f.severity !== 'info' &&
            f.resource !== leftToPatterns &&
            (profilesLanded() || !f.ruleId.startsWith('ec2.imds.')),
        )
        .map((f) => `${f.ruleId} ${f.resource}`),
    ).toEqual([]);
    expect(result.notes[0]).toMatch(/^1 user\(s\) guardrail tagged ephemeral are left out/);
    expect(result.written).toEqual({ roles: 2, users: 2, groups: 1, policies: 2, imdsProfiles: 2 });
    expect(result.leftOut).toEqual({ awsOwnedRoles: 2, excluded: 0, ephemeralUsers: 1, emptyPolicies: 0 });
  });

  it("holds each principal's envelope, managed policies, trust, boundary, keys and console status", () => {
    const { text } = snapshotBaseline(account, { schema: './baseline.schema.json' });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./baseline.schema.json');
    expect(text).toContain(
      `# Written by guardrail baseline snapshot from account ${ACCOUNT} at ${SCAN_TIME}`,
    );
    const file = parse(text);
    expect(file.accounts).toEqual([ACCOUNT]);
    expect(file.guardrail).toEqual({ ownRoles: ['guardrail-*'] });
    expect(file.roles['app-role']).toEqual({
      // Inline policies by name (a before b), each statement once.
      permissions: [S3_READ, { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }],
      managedPolicies: ['Deploy', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
      trust: { services: ['ec2.amazonaws.com'] },
      boundary: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
    });
    expect(Object.keys(file.roles)).toEqual(['app-role', 'guardrail-prod-iam-events']);
    expect(file.users.approved).toEqual([
      { name: 'alice' },
      {
        name: 'svc-ci',
        accessKeys: 'allowed',
        console: false,
        permissions: [S3_READ],
        managedPolicies: ['Deploy'],
        groups: ['ops'],
      },
    ]);
    expect(file.policies.Deploy).toEqual({
      permissions: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
      attachTo: { roles: ['app-role'], users: ['svc-ci'] },
    });
    expect(file.imds.profiles).toEqual([
      {
        name: 'imdsv1-hop-1',
        match: { instanceIds: ['i-1234567890abcdef0'] },
        httpTokens: 'optional',
        maxHopLimit: 1,
      },
      { name: 'imdsv2-hop-2', match: { instanceIds: ['i-0a1b2c3d4e5f60718'] }, maxHopLimit: 2 },
    ]);
    // Where each part came from.
    expect(text).toMatch(/# inline a, b; attached Deploy, ReadOnlyAccess; created 2026-01-01\n {2}app-role:/);
    expect(text).toContain(
      '# 1 running instance(s) use HttpTokens optional, hop limit 1: i-1234567890abcdef0 (legacy)',
    );
  });

  it('is the same for the same account, whatever order IAM listed it in', () => {
    const reversed: AccountState = {
      ...account,
      users: [...account.users].reverse(),
      roles: [...account.roles].reverse(),
      policies: [...account.policies].reverse(),
    };
    expect(snapshotBaseline(reversed).text).toBe(snapshotBaseline(account).text);
  });

  it('keeps to --include and --exclude, and counts what they leave out', () => {
    const result = snapshotBaseline(account, { include: ['app-*', 'svc-*', 'Deploy'], exclude: ['svc-*'] });
    const file = parse(result.text);
    expect(Object.keys(file.roles)).toEqual(['app-role']);
    expect(file.users.approved).toEqual([]);
    expect(Object.keys(file.policies)).toEqual(['Deploy']);
    expect(result.leftOut.excluded).toBe(6);
  });

  it('names what it cannot approve: root keys, old keys, an account default allowing IMDSv1', () => {
    const result = snapshotBaseline(
      accountState({
        users: [user('old', { keys: [key('AKIAOLD', '2026-01-01T00:00:00.000Z')] })],
        rootAccessKeys: [{ slot: 1 }],
        regions: [{ region: 'us-east-1', instances: [], metadataDefaults: { httpTokens: 'optional' } }],
      }),
    );
    expect(result.notes).toEqual([
      'the root user has 1 active access key(s): no baseline approves them (iam.accesskey.long-lived); delete them',
      '1 active key(s) are older than 90 days: the scan reports them (iam.accesskey.stale) until they are rotated or accessKeys.rotationDays is raised',
      'the account default of us-east-1 lets new instances use IMDSv1: no baseline approves it (ec2.imds.account-default)',
    ]);
    expect(result.text).toContain('# Note: the root user has 1 active access key(s)');
  });

  it('reads trust policies as the baseline names principals', () => {
    const trust = trustOf(
      JSON.stringify({
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::210987654321:root', 'arn:aws:iam::210987654321:role/ci'] },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
          },
          {
            Effect: 'Allow',
            Principal: { Federated: 'cognito-identity.amazonaws.com' },
            Action: 'sts:AssumeRoleWithWebIdentity',
          },
        ],
      }),
      ACCOUNT,
    );
    expect(trust).toEqual({
      services: ['lambda.amazonaws.com'],
      accounts: ['210987654321'],
      principals: ['arn:aws:iam::210987654321:role/ci'],
      federated: ['cognito-identity.amazonaws.com'],
      externalId: 'required',
    });
  });
});

describe('baseline snapshot --merge', () => {
  const exampleText = readFileSync(EXAMPLE_BASELINE_PATH, 'utf8');
  const example = parseBaseline(exampleText, 'baseline.example.yml');

  it('keeps the baseline as written and adds only what the account holds beyond it, listing each addition', () => {
    const state = accountState({
      users: [
        user('cml-cloud-manager-service', { keys: [key('AKIACML', '2026-11-20T00:00:00.000Z')] }),
        user('temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f6789'),
        user('new-svc'),
      ],
      roles: [role('XploreEC2Role'), role('new-role')],
    });
    const result = snapshotBaseline(state, { merge: { text: exampleText, baseline: example } });
    // Every line of the hand-written file is still there, in order (comments included).
    const kept = exampleText.split('\n').filter((line) => line.trim() !== '');
    let at = 0;
    const out = result.text.split('\n');
    for (const line of kept) {
      at = out.indexOf(line, at);
      expect(at, line).toBeGreaterThanOrEqual(0);
    }
    expect(result.changes.filter((c) => c.startsWith('added'))).toEqual([
      'added role new-role',
      'added approved user new-svc',
    ]);
    expect(result.leftOut.ephemeralUsers).toBe(1);
    const merged = parseBaseline(result.text, 'merged.yml');
    expect(merged.roles.get('new-role')).toBeDefined();
    expect(merged.approvedUsers.map((u) => u.matcher.describe)).toContain('name new-svc');
    expect(
      scanState(state, merged, { scanId: 's' }).findings.filter((f) => f.ruleId === 'iam.user.unexpected'),
    ).toEqual([]);
  });
});
