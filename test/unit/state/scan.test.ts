/**
 * The posture scan, pure: account states against baselines, one case per rule id of the public contract. A
 * case whose rule is not on this build yet (its events are not watched, or no rule has its id) is marked and
 * runs by itself once the rule lands: the scan turns state into the records those rules judge, so nothing
 * here changes when they arrive.
 */
import { describe, expect, it } from 'vitest';
import type { Baseline } from '../../../src/baseline/baseline.ts';
import { GuardrailTag } from '../../../src/core/tags.ts';
import type { Finding, RuleId } from '../../../src/core/types.ts';
import { isWatchedEvent, WATCHED_EVENTS } from '../../../src/events/subjects/index.ts';
import { RULES } from '../../../src/rules/index.ts';
import { scanState } from '../../../src/state/scan.ts';
import type { AccountState } from '../../../src/state/state.ts';
import { baselineFrom, exampleBaseline } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
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

const DAY = 86_400_000;
const daysAgo = (days: number): string => new Date(Date.parse(SCAN_TIME) - days * DAY).toISOString();
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const instanceArn = (id: string) => `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/${id}`;

const XPLORE = [
  {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
    Resource: ['arn:aws:s3:::xplore-face-auth-refs', 'arn:aws:s3:::xplore-face-auth-refs/*'],
  },
  {
    Effect: 'Allow',
    Action: 'secretsmanager:GetSecretValue',
    Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:xplore/*',
  },
];

function scan(state: AccountState, baseline: Baseline = exampleBaseline()) {
  return scanState(state, baseline, { scanId: 'scan-1' });
}

/** Findings above info, as the seed cases count them (an approved user's own key is info in every report). */
function pairs(findings: readonly Finding[], only?: readonly RuleId[]): string[] {
  return findings
    .filter((f) => f.severity !== 'info' && (only === undefined || only.includes(f.ruleId)))
    .map((f) => `${f.ruleId} ${f.resource}`)
    .sort();
}

interface Case {
  readonly name: string;
  readonly state: AccountState;
  readonly baseline?: Baseline;
  /** The rule ids this case is about, and the findings they must give (`ruleId resource`). */
  readonly about: readonly RuleId[];
  readonly expect: readonly string[];
  /** The event the scan hands the rule, when it is one this build may not watch yet. */
  readonly event?: string;
}

const CASES: readonly Case[] = [
  {
    name: 'a role whose inline policy grew beyond its envelope',
    state: accountState({
      roles: [
        role('XploreEC2Role', {
          inlinePolicies: [
            {
              name: 'XploreS3Access',
              document: policy([...XPLORE, { Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
            },
          ],
        }),
      ],
    }),
    about: ['iam.policy.drift', 'iam.policy.wildcard', 'iam.policy.privesc'],
    expect: [
      `iam.policy.drift ${roleArn('XploreEC2Role')}`,
      `iam.policy.wildcard ${roleArn('XploreEC2Role')}`,
    ],
  },
  {
    name: 'a role that can pass any role',
    state: accountState({
      roles: [
        role('XploreEC2Role', {
          inlinePolicies: [
            {
              name: 'XploreS3Access',
              document: policy([...XPLORE, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]),
            },
          ],
        }),
      ],
    }),
    about: ['iam.policy.privesc'],
    expect: [`iam.policy.privesc ${roleArn('XploreEC2Role')}`],
  },
  {
    name: 'a role the baseline does not know, with an inline policy',
    state: accountState({
      roles: [
        role('lambda_role_7f3a9c', {
          inlinePolicies: [
            { name: 'p', document: policy([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]) },
          ],
        }),
      ],
    }),
    about: ['iam.policy.no-baseline'],
    expect: [`iam.policy.no-baseline ${roleArn('lambda_role_7f3a9c')}`],
  },
  {
    name: 'an unapproved user',
    state: accountState({ users: [user('backdoor')] }),
    about: ['iam.user.unexpected'],
    expect: [`iam.user.unexpected ${userArn('backdoor')}`],
  },
  {
    name: 'an ephemeral user whose CreateUser was never seen (untagged)',
    state: accountState({ users: [user(EPHEMERAL_USER, { createdAt: daysAgo(0.5) })] }),
    about: ['iam.user.ephemeral', 'iam.user.orphaned'],
    expect: [`iam.user.ephemeral ${userArn(EPHEMERAL_USER)}`],
  },
  {
    name: 'an ephemeral user guardrail already tagged: nothing was lost',
    state: accountState({
      users: [user(EPHEMERAL_USER, { createdAt: daysAgo(0.5), tags: { [GuardrailTag.ephemeral]: 'true' } })],
    }),
    about: ['iam.user.ephemeral', 'iam.user.orphaned'],
    expect: [],
  },
  {
    name: 'an orphaned ephemeral user past its ttl',
    state: accountState({
      users: [user(EPHEMERAL_USER, { createdAt: daysAgo(3), tags: { [GuardrailTag.ephemeral]: 'true' } })],
    }),
    about: ['iam.user.orphaned'],
    expect: [`iam.user.orphaned ${userArn(EPHEMERAL_USER)}`],
  },
  {
    name: 'an access key on a user unknown to the baseline',
    state: accountState({ users: [user('cml-admin', { keys: [key('AKIAADMIN', daysAgo(10))] })] }),
    about: ['iam.accesskey.long-lived'],
    expect: [`iam.accesskey.long-lived ${userArn('cml-admin')}`],
  },
  {
    name: "the approved service user's own key",
    state: accountState({
      users: [user('cml-cloud-manager-service', { keys: [key('AKIACML', daysAgo(10), daysAgo(1))] })],
    }),
    about: ['iam.accesskey.long-lived', 'iam.accesskey.stale', 'iam.user.unexpected'],
    expect: [],
  },
  {
    name: 'an access key of the account root user',
    state: accountState({ rootAccessKeys: [{ slot: 1, createdAt: '2020-01-01T00:00:00.000Z' }] }),
    about: ['iam.accesskey.long-lived'],
    expect: [`iam.accesskey.long-lived arn:aws:iam::${ACCOUNT}:root`],
  },
  {
    name: 'a key past its rotation age',
    state: accountState({
      users: [user('cml-cloud-manager-service', { keys: [key('AKIAOLD', daysAgo(120), daysAgo(1))] })],
    }),
    about: ['iam.accesskey.stale'],
    expect: [`iam.accesskey.stale ${userArn('cml-cloud-manager-service')}`],
  },
  {
    name: 'a running instance that allows IMDSv1',
    state: accountState({
      regions: [
        {
          region: 'eu-west-1',
          instances: [
            instance('i-1234567890abcdef0', { httpTokens: 'optional', hopLimit: 1, httpEndpoint: 'enabled' }),
          ],
        },
      ],
    }),
    about: ['ec2.imds.v1-allowed', 'ec2.imds.hop-limit'],
    expect: [`ec2.imds.v1-allowed ${instanceArn('i-1234567890abcdef0')}`],
  },
  {
    name: 'a running instance above its hop limit',
    state: accountState({
      regions: [
        {
          region: 'eu-west-1',
          instances: [
            instance('i-0a1b2c3d4e5f60718', { httpTokens: 'required', hopLimit: 5, httpEndpoint: 'enabled' }),
          ],
        },
      ],
    }),
    about: ['ec2.imds.v1-allowed', 'ec2.imds.hop-limit'],
    expect: [`ec2.imds.hop-limit ${instanceArn('i-0a1b2c3d4e5f60718')}`],
  },
  {
    name: 'an instance whose metadata endpoint is off is fine whatever its tokens',
    state: accountState({
      regions: [
        {
          region: 'eu-west-1',
          instances: [
            instance('i-0a1b2c3d4e5f60719', {
              httpTokens: 'optional',
              hopLimit: 1,
              httpEndpoint: 'disabled',
            }),
          ],
        },
      ],
    }),
    about: ['ec2.imds.v1-allowed'],
    expect: [],
  },
  // The rules below land with the other coverage branches; each case runs once its rule is on this build.
  {
    name: 'a role whose trust policy was opened to another account',
    event: 'CreateRole',
    state: accountState({
      roles: [
        role('XploreEC2Role', {
          inlinePolicies: [{ name: 'XploreS3Access', document: policy(XPLORE) }],
          trustPolicy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::210987654321:root' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      ],
    }),
    baseline: baselineFrom(`version: 1
accounts: ["${ACCOUNT}"]
roles:
  XploreEC2Role:
    trust: {services: [ec2.amazonaws.com]}
    permissions: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
`),
    about: ['iam.role.trust'],
    expect: [`iam.role.trust ${roleArn('XploreEC2Role')}`],
  },
  {
    name: 'a role the baseline neither lists nor matches',
    event: 'CreateRole',
    state: accountState({ roles: [role('backdoor-role')] }),
    about: ['iam.role.unexpected'],
    expect: [`iam.role.unexpected ${roleArn('backdoor-role')}`],
  },
  {
    name: 'a console password on a programmatic-only user',
    event: 'CreateLoginProfile',
    state: accountState({ users: [user('svc', { password: true })] }),
    baseline: baselineFrom('version: 1\nusers:\n  approved:\n    - {name: svc, console: false}\n'),
    about: ['iam.user.console-access'],
    expect: [`iam.user.console-access ${userArn('svc')}`],
  },
  {
    name: 'a role without the boundary the baseline requires',
    event: 'DeleteRolePermissionsBoundary',
    state: accountState({ roles: [role('app')] }),
    baseline: baselineFrom(
      `version: 1\nroles:\n  app:\n    boundary: arn:aws:iam::${ACCOUNT}:policy/Boundary\n`,
    ),
    about: ['iam.boundary.removed'],
    expect: [`iam.boundary.removed ${roleArn('app')}`],
  },
  {
    name: 'an account default that lets new instances use IMDSv1',
    event: 'ModifyInstanceMetadataDefaults',
    state: accountState({
      regions: [{ region: 'eu-west-1', instances: [], metadataDefaults: { httpTokens: 'optional' } }],
    }),
    about: ['ec2.imds.account-default'],
    expect: [`ec2.imds.account-default arn:aws:ec2:eu-west-1:${ACCOUNT}:instance-metadata-defaults`],
  },
  {
    name: 'AdministratorAccess attached to a seed role',
    event: 'AttachRolePolicy',
    state: accountState({
      roles: [
        role('XploreEC2Role', {
          inlinePolicies: [{ name: 'XploreS3Access', document: policy(XPLORE) }],
          attachedPolicies: [
            { arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' },
          ],
        }),
      ],
      awsManagedPolicies: [
        {
          arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          name: 'AdministratorAccess',
          versionId: 'v1',
          document: policy([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
        },
      ],
    }),
    about: ['iam.policy.drift'],
    expect: [`iam.policy.drift ${roleArn('XploreEC2Role')}`],
  },
  {
    name: 'a customer-managed policy whose default version outgrew its envelope',
    event: 'CreatePolicy',
    state: accountState({
      policies: [
        customerPolicy(
          'ImageGeneratorS3Access',
          policy([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
          'v2',
        ),
      ],
    }),
    baseline: baselineFrom(`version: 1
policies:
  ImageGeneratorS3Access:
    permissions: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::short-drama-assets/*"}]
`),
    about: ['iam.policy.drift'],
    expect: [`iam.policy.drift arn:aws:iam::${ACCOUNT}:policy/ImageGeneratorS3Access`],
  },
  {
    // The group's policy is judged against the group's envelope; the membership against the user's, since the
    // baseline does not let it join (a group it may join is part of its envelope already).
    name: 'a user in a group it may not join, whose policy grants more than either may have',
    event: 'AddUserToGroup',
    state: accountState({
      users: [user('svc', { groups: ['ops'] })],
      groups: [
        group('ops', {
          inlinePolicies: [
            { name: 'ops', document: policy([{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }]) },
          ],
        }),
      ],
    }),
    baseline: baselineFrom(`version: 1
users:
  approved:
    - name: svc
      permissions: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
groups:
  ops:
    permissions: [{Effect: Allow, Action: s3:GetObject, Resource: "*"}]
`),
    about: ['iam.policy.drift'],
    expect: [`iam.policy.drift arn:aws:iam::${ACCOUNT}:group/ops`, `iam.policy.drift ${userArn('svc')}`],
  },
  {
    name: 'a customer-managed policy attached to a user it may not reach',
    event: 'AttachUserPolicy',
    state: accountState({
      users: [
        user('cml-cloud-manager-service', {
          attachedPolicies: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/Wide`, name: 'Wide' }],
        }),
      ],
      policies: [customerPolicy('Wide', policy([{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }]))],
    }),
    about: ['iam.policy.drift'],
    expect: [`iam.policy.drift ${userArn('cml-cloud-manager-service')}`],
  },
  {
    name: 'an attached AWS managed policy whose document could not be read',
    event: 'AttachRolePolicy',
    state: accountState({
      roles: [
        role('XploreEC2Role', {
          inlinePolicies: [{ name: 'XploreS3Access', document: policy(XPLORE) }],
          attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/PowerUserAccess', name: 'PowerUserAccess' }],
        }),
      ],
    }),
    about: ['iam.policy.unknown-document'],
    expect: [`iam.policy.unknown-document ${roleArn('XploreEC2Role')}`],
  },
  {
    name: 'a never-grant statement an inline policy allows',
    state: accountState({
      roles: [
        role('app', {
          inlinePolicies: [
            { name: 'p', document: policy([{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }]) },
          ],
        }),
      ],
    }),
    baseline: baselineFrom(`version: 1
roles:
  app:
    permissions: [{Effect: Allow, Action: iam:PassRole, Resource: "*"}]
neverGrant:
  - {Effect: Allow, Action: iam:PassRole, Resource: "*"}
`),
    about: ['iam.policy.never-grant'],
    expect: [`iam.policy.never-grant ${roleArn('app')}`],
  },
];

describe('the scan judges state with the event rules, one case per rule id', () => {
  it('has a case for every rule id, and each rule watches the event its case hands it', () => {
    const ids = new Set(CASES.flatMap((c) => c.about));
    // The scan reads IAM and EC2; trails and the stack's own resources are the stack check's (src/state/stack.ts).
    const judged = RULES.filter((rule) =>
      rule.events.some((name) => ['iam.amazonaws.com', 'ec2.amazonaws.com'].includes(WATCHED_EVENTS[name])),
    );
    for (const rule of judged) expect(ids, rule.id).toContain(rule.id);
    for (const c of CASES.filter((c) => c.event !== undefined)) {
      const source =
        c.event?.startsWith('Modify') || c.event === 'RunInstances'
          ? 'ec2.amazonaws.com'
          : 'iam.amazonaws.com';
      expect(isWatchedEvent({ eventName: c.event as string, eventSource: source }), c.name).toBe(true);
    }
  });

  for (const c of CASES) {
    it(c.name, () => {
      const result = scan(c.state, c.baseline);
      expect(pairs(result.findings, c.about)).toEqual([...c.expect].sort());
      for (const finding of result.findings) {
        expect(finding.details.source).toBe('state');
        expect(finding.eventName).toBe('StateScan');
        expect(finding.eventId).toBe('scan-1');
        expect(finding.eventTime).toBe(SCAN_TIME);
        // A state finding names no invented actor, and no event phrasing ("Unknown created ...").
        expect(finding.summary).not.toMatch(/^Unknown |\bUnknown created\b| now |\badded to group\b/);
      }
    });
  }
});

describe('what a state finding says', () => {
  it('reads as state, keeps the event text in details, and says what it is about', () => {
    const { findings } = scan(
      accountState({
        users: [user('backdoor', { keys: [key('AKIABACKDOOR', '2026-11-20T10:15:29.000Z')] })],
      }),
    );
    const unexpected = findings.find((f) => f.ruleId === 'iam.user.unexpected');
    expect(unexpected?.summary).toBe(
      'IAM user backdoor exists and matches no approved or ephemeral pattern of the baseline.',
    );
    expect(unexpected?.details).toMatchObject({
      source: 'state',
      state: { kind: 'user', userName: 'backdoor', createdAt: '2026-11-01T00:00:00.000Z' },
      since: '2026-11-01T00:00:00.000Z',
      asEvent: { eventName: 'CreateUser' },
    });
    const longLived = findings.find((f) => f.ruleId === 'iam.accesskey.long-lived');
    expect(longLived?.summary).toBe(
      'backdoor (user unknown to the baseline) holds active access key AKIABACKDOOR, created 2026-11-20; rotate by 2027-02-18.',
    );
    expect(longLived?.actor).toBe('unknown');
  });

  it('names the creator guardrail tagged on a user as the actor', () => {
    const creator = `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin`;
    const { findings } = scan(
      accountState({
        users: [
          user(EPHEMERAL_USER, {
            createdAt: daysAgo(3),
            tags: { [GuardrailTag.ephemeral]: 'true', [GuardrailTag.creator]: creator },
          }),
        ],
      }),
    );
    expect(findings.map((f) => [f.ruleId, f.actor])).toEqual([['iam.user.orphaned', creator]]);
  });
});

describe('a whole account', () => {
  const seedAccount = accountState({
    users: [
      user('cml-cloud-manager-service', {
        keys: [key('AKIACML', daysAgo(30), daysAgo(1))],
        passwordLastUsedAt: daysAgo(1),
      }),
      user('chatbot-dev-alice', { keys: [key('AKIAALICE', daysAgo(20), daysAgo(2))] }),
    ],
    roles: [
      role('XploreEC2Role', { inlinePolicies: [{ name: 'XploreS3Access', document: policy(XPLORE) }] }),
      role('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/' }),
    ],
    regions: [
      {
        region: 'eu-west-1',
        instances: [
          // KDCube's host, tagged for the example's containers profile (hop limit 2); read from the state's tags.
          instance(
            'i-0a1b2c3d4e5f60718',
            { httpTokens: 'required', hopLimit: 2, httpEndpoint: 'enabled' },
            { tags: { 'guardrail:imds-profile': 'containers' } },
          ),
        ],
        metadataDefaults: {},
      },
    ],
  });

  it('is clean when it matches the baseline: nothing above info, AWS-owned roles left out and counted', () => {
    const result = scan(seedAccount);
    expect(pairs(result.findings)).toEqual([]);
    // The approved users' own keys, as in every report.
    expect(result.findings.map((f) => `${f.severity} ${f.ruleId}`)).toEqual([
      'info iam.accesskey.long-lived',
      'info iam.accesskey.long-lived',
    ]);
    expect(result.examined).toMatchObject({ users: 2, roles: 1, awsOwnedRoles: 1, instances: 1, regions: 1 });
    expect(result.skipped).toEqual([]);
  });

  it('counts the state no rule of this build judges yet, by the event it would be', () => {
    const result = scan(seedAccount);
    for (const [eventName, count] of Object.entries(result.notJudged)) {
      expect(isWatchedEvent({ eventName, eventSource: 'iam.amazonaws.com' })).toBe(false);
      expect(count).toBeGreaterThan(0);
    }
  });

  it('judges suppressions at the time of the scan', () => {
    const state = accountState({ users: [user('backdoor')] });
    const until = (date: string) =>
      baselineFrom(
        `version: 1\nsuppressions:\n  - {rule: iam.user.unexpected, resource: "*:user/backdoor", reason: under review, expires: ${date}}\n`,
      );
    expect(scan(state, until('2026-12-02')).suppressed.map((s) => s.finding.ruleId)).toEqual([
      'iam.user.unexpected',
    ]);
    // Expired before the scan: reported, although the user was created long before the expiry.
    expect(pairs(scan(state, until('2026-11-30')).findings, ['iam.user.unexpected'])).toEqual([
      `iam.user.unexpected ${userArn('backdoor')}`,
    ]);
  });

  it('lists every finding once, worst first, the same on every run', () => {
    const state = accountState({
      users: [user('zed'), user('amy', { keys: [key('AKIAAMY', daysAgo(200))] })],
      regions: [
        {
          region: 'eu-west-1',
          instances: [instance('i-1234567890abcdef0', { httpTokens: 'optional', hopLimit: 1 })],
        },
      ],
    });
    const first = scan(state).findings;
    const again = scan({ ...state, users: [...state.users].reverse() }).findings;
    expect(again).toEqual(first);
    const severities = first.map((f) => f.severity);
    const rank = ['info', 'low', 'medium', 'high', 'critical'];
    expect([...severities].sort((a, b) => rank.indexOf(b) - rank.indexOf(a))).toEqual(severities);
    expect(new Set(first.map((f) => `${f.ruleId} ${f.resource} ${f.summary}`)).size).toBe(first.length);
  });

  it('does not judge users whose keys and password could not be read by the rules that need them', () => {
    const result = scan(accountState({ users: [user('cml-cloud-manager-service', { unreadable: true })] }));
    expect(result.findings).toEqual([]);
  });
});

describe('guardrail scan --format text', () => {
  it('says what was examined, each finding, what was not read and what no rule judges yet, on one line each', async () => {
    const { renderScanText } = await import('../../../src/cli/commands/scan.ts');
    const result = scan(
      accountState({
        users: [user('backdoor')],
        roles: [role('AWSServiceRoleForSupport', { path: '/aws-service-role/support.amazonaws.com/' })],
        problems: [{ what: 'the access keys of bob', error: 'AccessDenied:\nno\u001b[31m' }],
      }),
    );
    const text = renderScanText({ ...result, notJudged: { UpdateThing: 2 } });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `scan of ${ACCOUNT} at ${SCAN_TIME}: 1 users, 0 roles (1 AWS-owned left out), 0 groups, 0 customer-managed policies, 0 running instances in 0 region(s)`,
    );
    expect(text).toContain(`HIGH  iam.user.unexpected  ${userArn('backdoor')}`);
    expect(text).toContain('not read (not judged):\n  the access keys of bob: AccessDenied: no');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('state no rule of this build judges yet:\n  2 as UpdateThing');
  });
});
