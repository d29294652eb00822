import { describe, expect, it } from 'vitest';
import { findApprovedUser, findRole } from '../../src/baseline/baseline.ts';
import { loadBaseline, parseBaseline } from '../../src/baseline/load.ts';
import { BaselineError } from '../../src/core/errors.ts';
import { NO_KNOWLEDGE } from '../../src/engine/knowledge.ts';
import type { NormalizedStatement } from '../../src/policy/parse.ts';
import { normalizeStatements } from '../../src/policy/parse.ts';
import { lookupPrincipal, wholeEnvelope } from '../../src/rules/envelopes.ts';
import type { PolicyJson } from '../cases/seeds.ts';
import { SEED_POLICIES } from '../cases/seeds.ts';
import { EXAMPLE_BASELINE_PATH, exampleBaseline } from '../helpers/baseline.ts';

function errorOf(yaml: string): BaselineError {
  try {
    parseBaseline(yaml, 'b.yml');
  } catch (error) {
    if (error instanceof BaselineError) return error;
    throw error;
  }
  throw new Error('expected a BaselineError');
}

describe('baseline errors name the file, line, path and reason', () => {
  it.each([
    [
      'a typo in a rule setting',
      'version: 1\nrules:\n  ec2.imds.v1-allowed:\n    enfroce: true\n',
      'b.yml:4: rules["ec2.imds.v1-allowed"].enfroce: unknown key',
    ],
    [
      'an unknown rule id',
      'version: 1\nrules:\n  iam.user.typo: {}\n',
      /^b\.yml:3: rules\["iam\.user\.typo"\]: /,
    ],
    ['an unknown top-level key', 'version: 1\nrole: {}\n', 'b.yml:2: role: unknown key'],
    ['a missing version', 'roles: {}\n', 'b.yml: version: expected version: 1'],
    [
      'a bad Action type',
      'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Action: 3, Resource: "*"}\n',
      'b.yml:5: roles.r.permissions[0].Action: expected a string or a non-empty list of strings',
    ],
    [
      'a statement without Action',
      'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Resource: "*"}\n',
      'b.yml:5: roles.r.permissions[0]: expected exactly one of Action or NotAction',
    ],
    [
      'a bad Effect',
      'version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: allow, Action: "*", Resource: "*"}\n',
      'b.yml:5: roles.r.permissions[0].Effect: expected "Allow" or "Deny"',
    ],
    [
      'an empty envelope',
      'version: 1\nroles:\n  r:\n    permissions: []\n',
      'b.yml:4: roles.r.permissions: expected at least one statement',
    ],
    [
      'a role name IAM would refuse',
      'version: 1\nroles:\n  "bad role":\n    permissions: [{Effect: Allow, Action: "*", Resource: "*"}]\n',
      /^b\.yml:3: roles\["bad role"\]: expected an IAM role name/,
    ],
    [
      'a bad duration',
      'version: 1\nusers:\n  ephemeral:\n    - {name: "tmp*", ttl: 1 day}\n',
      'b.yml:4: users.ephemeral[0].ttl: expected a duration like 30m, 24h or 7d',
    ],
    [
      'a bad regex',
      'version: 1\nusers:\n  ephemeral:\n    - {regex: "temp[", ttl: 1d}\n',
      'b.yml:4: users.ephemeral[0].regex: not a valid regular expression',
    ],
    [
      'name and regex together',
      'version: 1\nusers:\n  approved:\n    - {name: a, regex: b}\n',
      'b.yml:4: users.approved[0]: expected exactly one of name (a glob) or regex',
    ],
    [
      'a hop limit above the maximum',
      'version: 1\nimds:\n  maxHopLimit: 1\n  hopLimit: 2\n',
      'b.yml:4: imds.hopLimit: hopLimit must not exceed maxHopLimit',
    ],
    [
      'a bad severity',
      'version: 1\nnotify:\n  minSeverity: urgent\n',
      'b.yml:3: notify.minSeverity: expected one of info, low, medium, high, critical',
    ],
    [
      'a suppression without reason',
      'version: 1\nsuppressions:\n  - {rule: iam.policy.drift, resource: "*"}\n',
      'b.yml:3: suppressions[0].reason: missing',
    ],
    ['a YAML syntax error', 'version: [1\n', /^b\.yml:2: /],
    ['a duplicate key', 'version: 1\nversion: 1\n', /^b\.yml:2: Map keys must be unique/],
    ['an empty file', '', 'b.yml: the file is empty'],
    [
      'a list instead of a mapping',
      '- a\n- b\n',
      'b.yml: (top level): expected a mapping of baseline settings',
    ],
  ])('%s', (_name, yaml, message) => {
    const error = errorOf(yaml);
    if (typeof message === 'string')
      expect(error.message.replace(/ \(\d+ more problems?\)$/, '')).toBe(message);
    else expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('lists every problem, the first also in the message', () => {
    const error = errorOf('version: 2\nroles: 3\nbogus: true\n');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['bogus', 'roles', 'version']);
    expect(error.message).toMatch(/\(2 more problems\)$/);
  });

  it('refuses an alias bomb', () => {
    const bomb = [
      'version: 1',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    expect(() => parseBaseline(bomb, 'bomb.yml')).toThrow(BaselineError);
  });

  it('says when the file is missing', () => {
    expect(() => loadBaseline('/nonexistent/baseline.yml')).toThrow(
      '/nonexistent/baseline.yml: no such file',
    );
  });
});

describe('defaults', () => {
  it('a minimal baseline is dry-run everywhere with IMDSv2 and hop limit 1', () => {
    const baseline = parseBaseline('version: 1\n', 'min.yml');
    expect(Object.values(baseline.rules).every((rule) => rule.enabled && rule.mode === 'dry-run')).toBe(true);
    expect(baseline.imds).toEqual({ httpTokens: 'required', maxHopLimit: 1, hopLimit: 1, profiles: [] });
    expect(baseline.rotationDays).toBe(90);
    expect(baseline.roles.size).toBe(0);
  });
});

describe('infra/baseline.example.yml encodes the five seed systems', () => {
  const baseline = exampleBaseline();

  it('has every seed role', () => {
    expect([...baseline.roles.keys()].sort()).toEqual([
      'ImageGeneratorEC2Role',
      'XploreEC2Role',
      'aimodelshare-api-lambda-role',
      'aimodelshare-apigw-invoke-role',
      'aimodelshare-codebuild-role',
      'aimodelshare-execution-role',
      'aimodelshare-lambda-exec',
      'kdcube-ec2-role',
    ]);
  });

  it('says who may assume each seed role, its accounts, and which users are programmatic-only', () => {
    expect(baseline.accounts).toEqual(['123456789012']);
    const trust = Object.fromEntries(
      [...baseline.roles.values()].map((role) => [
        role.name,
        [...(role.trust?.services ?? []), ...(role.trust?.principals ?? [])],
      ]),
    );
    expect(trust).toEqual({
      ImageGeneratorEC2Role: ['ec2.amazonaws.com'],
      XploreEC2Role: ['ec2.amazonaws.com'],
      'kdcube-ec2-role': ['ec2.amazonaws.com'],
      'aimodelshare-lambda-exec': ['lambda.amazonaws.com'],
      'aimodelshare-codebuild-role': ['codebuild.amazonaws.com'],
      'aimodelshare-api-lambda-role': ['lambda.amazonaws.com'],
      'aimodelshare-apigw-invoke-role': ['apigateway.amazonaws.com'],
      'aimodelshare-execution-role': ['arn:aws:iam::123456789012:user/aimodelshare-*'],
    });
    expect(baseline.approvedUsers.map((u) => [u.matcher.describe, u.console, u.keyManagers?.length])).toEqual(
      [
        ['name cml-cloud-manager-service', false, 2],
        ['name chatbot-dev-*', false, 2],
      ],
    );
  });

  it.each([
    ['role', 'ImageGeneratorEC2Role', [SEED_POLICIES.imageGenerator]],
    ['role', 'XploreEC2Role', [SEED_POLICIES.xplore]],
    ['role', 'kdcube-ec2-role', [SEED_POLICIES.kdcube, SEED_POLICIES.kdcubeKms]],
    ['role', 'aimodelshare-lambda-exec', [SEED_POLICIES.aimodelshareScoped]],
    ['user', 'cml-cloud-manager-service', [SEED_POLICIES.cml]],
    ['user', 'chatbot-dev-alice', [SEED_POLICIES.kdcubeDev]],
  ] satisfies ['role' | 'user', string, readonly PolicyJson[]][])(
    'gives %s %s exactly the permissions of its seed policies (its whole envelope)',
    (kind, name, policies: readonly PolicyJson[]) => {
      const view = (statements: readonly NormalizedStatement[] | undefined) =>
        statements?.map((s) => ({
          effect: s.effect,
          actions: s.actions.patterns,
          resources: s.resources.patterns,
        }));
      const seed = normalizeStatements(
        policies.flatMap((policy) => policy.Statement),
        'seed',
      );
      // Its own permissions with the envelopes of the customer-managed policies it may carry.
      const found = lookupPrincipal(baseline, kind, name);
      if (!found || found.kind === 'ephemeral') throw new Error(`${kind} ${name}: not in the baseline`);
      const whole = wholeEnvelope(baseline, found, name, NO_KNOWLEDGE, '2026-01-01T00:00:00Z');
      expect(view(whole.statements)).toEqual(view(seed));
      expect(whole.notes).toEqual([]);
    },
  );

  it("declares the seeds' customer-managed policies, each carried by its principal", () => {
    expect([...baseline.policies.keys()].sort()).toEqual([
      'CMLWorkerManagementPolicy',
      'ImageGeneratorS3Access',
      'aimodelshare-api-lambda-policy',
      'aimodelshare-apigw-invoke-policy',
      'aimodelshare-codebuild-policy',
      'aimodelshare-lambda-exec-policy',
      'kdcube-dev-bucket-access',
    ]);
  });

  it('approves the seed users, knows the ephemeral pattern, the IMDS needs and the rotation age', () => {
    expect(baseline.approvedUsers.map((u) => [u.matcher.describe, u.accessKeysAllowed])).toEqual([
      ['name cml-cloud-manager-service', true],
      ['name chatbot-dev-*', true],
    ]);
    const [ephemeral] = baseline.ephemeralUsers;
    expect(ephemeral?.matcher.test(`temporaryaccessAImodelshare${'ab'.repeat(16)}`)).toBe(true);
    expect(ephemeral?.matcher.test(`temporaryaccessAImodelshare${'ab'.repeat(16)}0`)).toBe(false);
    expect(ephemeral?.ttlMs).toBe(24 * 3_600_000);
    // At most one hop, except seed 002's KDCube hosts (containers), matched by their tag.
    expect(baseline.imds).toEqual({
      httpTokens: 'required',
      maxHopLimit: 1,
      hopLimit: 1,
      profiles: [
        {
          path: 'imds.profiles[0]',
          name: 'kdcube-containers',
          description: 'KDCube hosts running docker compose (seed 002)',
          tags: { 'guardrail:imds-profile': 'containers' },
          instanceIds: [],
          httpTokens: 'required',
          maxHopLimit: 2,
        },
      ],
    });
    expect(baseline.rotationDays).toBe(90);
    expect(baseline.ownRoles).toEqual(['guardrail-*']);
  });

  it('loads from its path', () => {
    expect(loadBaseline(EXAMPLE_BASELINE_PATH).roles.size).toBe(8);
  });
});

describe('coverage sections: managed policies, trust, groups, customer-managed policies, never-grant, trails, IMDS profiles', () => {
  const full = `version: 1
accounts: ["123456789012"]
guardrail:
  ownRoles: [guardrail-*]
  deployers: ["arn:aws:iam::123456789012:role/deploy"]
roles:
  app:
    managedPolicies: [AppPolicy, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    trust: { services: [ec2.amazonaws.com], accounts: ["210987654321"], externalId: required }
    boundary: arn:aws:iam::123456789012:policy/Boundary
  "lambda_role_*":
    permissions: [{Effect: Allow, Action: "logs:*", Resource: "*"}]
groups:
  devs:
    permissions: [{Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*"}]
policies:
  AppPolicy:
    permissions: [{Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*"}]
    attachTo: { roles: [app] }
users:
  approved:
    - name: svc
      accessKeys: allowed
      console: false
      keyManagers: ["arn:aws:iam::*:role/ops"]
      managedPolicies: [AppPolicy]
      groups: [devs]
neverGrant:
  - {Effect: Allow, Action: iam:PassRole, Resource: "*"}
trails:
  - { name: org-trail, bucket: trail-bucket }
imds:
  profiles:
    - name: containers
      match: { tags: { "guardrail:imds-profile": containers } }
      maxHopLimit: 2
`;

  it('compiles every section into what the rules read', () => {
    const baseline = parseBaseline(full, 'full.yml');
    expect(baseline.accounts).toEqual(['123456789012']);
    expect(baseline.deployers).toEqual(['arn:aws:iam::123456789012:role/deploy']);
    expect(baseline.resourcePrefix).toBe('guardrail');
    const app = findRole(baseline, 'app');
    expect(app?.trust).toMatchObject({ services: ['ec2.amazonaws.com'], externalId: 'required' });
    expect(app?.boundary).toBe('arn:aws:iam::123456789012:policy/Boundary');
    expect(app?.statements).toEqual([]);
    expect(app?.managedPolicies.map((p) => p.awsManaged)).toEqual([false, true]);
    expect(app?.managedPolicies[0]?.matches('arn:aws:iam::123456789012:policy/team/AppPolicy')).toBe(true);
    expect(app?.managedPolicies[0]?.matches('arn:aws:iam::aws:policy/AppPolicy')).toBe(false);
    expect(app?.managedPolicies[1]?.matches('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe(true);
    expect(findRole(baseline, 'lambda_role_abc123')?.path).toBe('roles.lambda_role_*');
    expect(findRole(baseline, 'other')).toBeUndefined();
    expect(baseline.groups.get('devs')?.statements).toHaveLength(1);
    expect(baseline.policies.get('AppPolicy')?.attachTo.roles).toEqual(['app']);
    const svc = findApprovedUser(baseline, 'svc');
    expect(svc).toMatchObject({ console: false, keyManagers: ['arn:aws:iam::*:role/ops'], groups: ['devs'] });
    expect(findApprovedUser(baseline, 'nobody')).toBeUndefined();
    expect(baseline.neverGrant[0]?.path).toBe('neverGrant[0]');
    expect(baseline.trails).toEqual([{ path: 'trails[0]', name: 'org-trail', bucket: 'trail-bucket' }]);
    expect(baseline.imds.profiles[0]).toMatchObject({
      name: 'containers',
      tags: { 'guardrail:imds-profile': 'containers' },
      httpTokens: 'required',
      maxHopLimit: 2,
    });
  });

  it.each([
    [
      'a Deny in neverGrant',
      'version: 1\nneverGrant:\n  - {Effect: Deny, Action: "*", Resource: "*"}\n',
      /^b\.yml:3: neverGrant\[0\]\.Effect: expected "Allow"/,
    ],
    [
      'a bad account id',
      'version: 1\naccounts: ["1234"]\n',
      'b.yml:2: accounts[0]: expected a 12-digit AWS account id',
    ],
    [
      'a boundary that is not a policy ARN',
      'version: 1\nroles:\n  r:\n    boundary: Boundary\n',
      /^b\.yml:4: roles\.r\.boundary: expected a policy ARN/,
    ],
    [
      'an IMDS profile matching nothing',
      'version: 1\nimds:\n  profiles:\n    - {name: p, match: {}, maxHopLimit: 2}\n',
      /^b\.yml:4: imds\.profiles\[0\]\.match: expected tags or instanceIds/,
    ],
    [
      'a typo in trust',
      'version: 1\nroles:\n  r:\n    trust: {service: [ec2.amazonaws.com]}\n',
      /^b\.yml:4: roles\.r\.trust\.service: unknown key/,
    ],
  ])('%s', (_name, yaml, expected) => {
    const message = errorOf(yaml).message;
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });
});
