/**
 * Hand-made cases per rule: each rule needs at least one positive case (it fires) and one negative case (it
 * does not); test/meta/rules.test.ts checks that. A negative case says why the rule does not fire: the record
 * is evaluated and the rule stays quiet, or the engine skips the record, for the reason given. Records follow
 * the real CloudTrail shape.
 */
import type { RuleId, Severity } from '../../src/core/types.ts';
import type { Json } from '../helpers/records.ts';
import {
  assumedRole,
  createAccessKey,
  createUser,
  identities,
  modifyImds,
  putRolePolicy,
} from '../helpers/records.ts';

export interface RuleCase {
  readonly name: string;
  readonly record: Json;
  /** YAML of a baseline to use instead of infra/baseline.example.yml. */
  readonly baseline?: string;
  readonly severity?: Severity;
  /** Fields the finding's details must contain (deep partial match). */
  readonly details?: Json;
  readonly remediation?: Json;
}

/** Why a negative case gives no finding: evaluated, this rule quiet; or skipped, with the engine's reason. */
export type NotFired = 'quiet' | { readonly skipped: string };

export interface NegativeCase {
  readonly name: string;
  readonly record: Json;
  /** YAML of a baseline to use instead of infra/baseline.example.yml. */
  readonly baseline?: string;
  readonly expect: NotFired;
}

export interface RuleCases {
  readonly positive: readonly RuleCase[];
  readonly negative: readonly NegativeCase[];
}

const ephemeral = 'temporaryaccessAImodelshare0123456789abcdef0123456789abcdef';
const doc = (...Statement: Json[]): Json => ({ Version: '2012-10-17', Statement });

export const RULE_CASES: Readonly<Partial<Record<RuleId, RuleCases>>> = {
  'iam.user.ephemeral': {
    positive: [
      {
        name: 'per-run user of seed 004, tagged with expiry from the 24h ttl',
        record: createUser(ephemeral, { eventTime: '2026-11-20T10:15:29Z' }),
        severity: 'low',
        details: { ttl: '24h', expiresAt: '2026-11-21T10:15:29.000Z', baselinePath: 'users.ephemeral[0]' },
        remediation: {
          action: 'tag-ephemeral',
          mode: 'enforce',
          status: 'proposed',
          params: {
            userName: ephemeral,
            tags: {
              'guardrail:ephemeral': 'true',
              'guardrail:creator': 'arn:aws:iam::123456789012:user/ops-admin',
              'guardrail:created-at': '2026-11-20T10:15:29.000Z',
              'guardrail:expires-at': '2026-11-21T10:15:29.000Z',
            },
          },
        },
      },
      {
        name: 'dry-run when the baseline does not enforce',
        record: createUser(ephemeral),
        baseline: `version: 1\nusers:\n  ephemeral:\n    - name: temporaryaccess*\n      ttl: 2h\n`,
        remediation: { action: 'tag-ephemeral', mode: 'dry-run', status: 'proposed' },
        details: { ttl: '2h', matchedBy: 'name temporaryaccess*' },
      },
    ],
    negative: [
      { name: 'approved user', expect: 'quiet', record: createUser('chatbot-dev-bob') },
      { name: 'unknown user', expect: 'quiet', record: createUser('backdoor') },
      {
        name: 'uppercase hex is not the pattern',
        expect: 'quiet',
        record: createUser(ephemeral.toUpperCase()),
      },
      {
        name: 'ephemeral pattern with creators, made by someone else',
        expect: 'quiet',
        record: createUser(ephemeral),
        baseline: `version: 1\nusers:\n  ephemeral:\n    - regex: temporaryaccess.*\n      ttl: 1d\n      creators: ["arn:aws:iam::*:user/aimodelshare-*"]\n`,
      },
    ],
  },
  'iam.user.unexpected': {
    positive: [
      {
        name: 'a user nobody approved',
        record: createUser('backdoor-admin'),
        severity: 'high',
        details: { userName: 'backdoor-admin' },
      },
      {
        name: 'ephemeral-looking user from an unexpected creator',
        record: createUser(ephemeral),
        baseline: `version: 1\nusers:\n  ephemeral:\n    - regex: temporaryaccess.*\n      ttl: 1d\n      creators: ["arn:aws:iam::*:user/aimodelshare-*"]\n`,
        details: { expectedCreators: ['arn:aws:iam::*:user/aimodelshare-*'] },
      },
      { name: 'created by root', record: createUser('tmp', { userIdentity: identities.root }) },
    ],
    negative: [
      { name: 'approved by glob, any case', expect: 'quiet', record: createUser('ChatBot-Dev-Carol') },
      { name: 'approved by exact name', expect: 'quiet', record: createUser('cml-cloud-manager-service') },
      {
        name: 'ephemeral from an allowed creator',
        expect: 'quiet',
        record: createUser(ephemeral, { userIdentity: identities.aimodelshareAutomation }),
      },
    ],
  },
  'iam.accesskey.long-lived': {
    positive: [
      {
        name: 'key for an ephemeral user is high, with the 90-day rotation deadline',
        record: createAccessKey(ephemeral, { eventTime: '2026-11-20T10:15:29Z' }),
        severity: 'high',
        details: {
          userClass: 'ephemeral user',
          rotationDays: 90,
          rotateBy: '2027-02-18T10:15:29.000Z',
          forSelf: false,
        },
      },
      {
        name: "root's own key is critical",
        record: createAccessKey(undefined, { userIdentity: identities.root }),
        severity: 'critical',
        details: { userClass: 'root', userName: null },
      },
      {
        name: 'an IAM user creating a key for itself',
        record: createAccessKey(undefined, { userIdentity: identities.admin }),
        severity: 'high',
        details: { userName: 'ops-admin', forSelf: true },
      },
      {
        name: 'approved user not meant to hold keys',
        record: createAccessKey('ci-deployer'),
        baseline: `version: 1\naccessKeys:\n  rotationDays: 30\nusers:\n  approved:\n    - name: ci-deployer\n`,
        severity: 'medium',
        details: { rotationDays: 30 },
      },
    ],
    negative: [
      {
        name: 'seed 003 service user, keys allowed by the baseline',
        expect: 'quiet',
        record: createAccessKey('cml-cloud-manager-service'),
      },
      {
        name: 'seed 002 dev user, keys allowed',
        expect: 'quiet',
        record: createAccessKey('chatbot-dev-dana'),
      },
    ],
  },
  'iam.policy.drift': {
    positive: [
      {
        name: 'a new action on the same resources',
        record: putRolePolicy(
          'XploreEC2Role',
          'XploreS3Access',
          doc({
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:DeleteObject'],
            Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
          }),
        ),
        details: {
          newAccessCount: 1,
          newAccess: [{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::xplore-face-auth-refs/*' }],
        },
      },
      {
        name: 'a wider resource than the envelope wildcard',
        record: putRolePolicy(
          'aimodelshare-lambda-exec',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' }),
        ),
        details: { newAccess: [{ action: 's3:GetObject', resource: 'arn:aws:s3:::*' }] },
      },
      {
        name: 'NotAction cannot be decided exactly: reported',
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: 'arn:aws:s3:::xplore-face-auth-refs/*' }),
        ),
      },
      {
        name: 'something the envelope denies',
        record: putRolePolicy(
          'r',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/secret/x' }),
        ),
        baseline: `version: 1\nroles:\n  r:\n    permissions:\n      - {Effect: Allow, Action: "s3:*", Resource: "arn:aws:s3:::data/*"}\n      - {Effect: Deny, Action: "s3:GetObject", Resource: "arn:aws:s3:::data/secret/*"}\n`,
      },
    ],
    negative: [
      {
        name: 'subset of the envelope wildcard',
        expect: 'quiet',
        record: putRolePolicy(
          'aimodelshare-lambda-exec',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::aimodelshare-models/v1/*' }),
        ),
      },
      {
        name: 'a Statement object, only Denies added',
        expect: 'quiet',
        record: putRolePolicy('XploreEC2Role', 'p', {
          Version: '2012-10-17',
          Statement: { Effect: 'Deny', Action: '*', Resource: '*' },
        }),
      },
      {
        name: 'a role without baseline is not drift (no-baseline says it)',
        expect: 'quiet',
        record: putRolePolicy('unknown-role', 'p', doc({ Effect: 'Allow', Action: '*', Resource: '*' })),
      },
    ],
  },
  'iam.policy.wildcard': {
    positive: [
      {
        name: '* on * is critical',
        record: putRolePolicy('unknown-role', 'admin', doc({ Effect: 'Allow', Action: '*', Resource: '*' })),
        severity: 'critical',
      },
      {
        name: 'service wildcard',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:*:*:table/t' }),
        ),
        severity: 'high',
      },
      {
        name: 'write action on any resource',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'ec2:TerminateInstances', Resource: '*' }),
        ),
      },
      {
        name: 'NotAction',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', NotAction: 's3:*', Resource: 'arn:aws:s3:::x' }),
        ),
      },
    ],
    negative: [
      {
        name: 'read-only actions on *',
        expect: 'quiet',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: ['ec2:DescribeInstances', 's3:ListAllMyBuckets'], Resource: '*' }),
        ),
      },
      {
        name: 'prefix wildcard of read actions on *',
        expect: 'quiet',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }),
        ),
      },
      {
        name: 'wildcards only in a Deny',
        expect: 'quiet',
        record: putRolePolicy('unknown-role', 'p', doc({ Effect: 'Deny', Action: '*', Resource: '*' })),
      },
      {
        name: 'a service wildcard on resources none of its actions can act on',
        expect: 'quiet',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'lambda:*', Resource: 'arn:aws:s3:::xplore-face-auth-refs/*' }),
        ),
      },
      {
        name: 'approved by the baseline (ecr:GetAuthorizationToken on * for codebuild)',
        expect: 'quiet',
        record: putRolePolicy(
          'aimodelshare-codebuild-role',
          'p',
          doc({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ),
      },
    ],
  },
  'iam.policy.privesc': {
    positive: [
      {
        name: 'PassRole',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
        ),
        severity: 'high',
      },
      {
        name: 'PassRole and CreateFunction on *, with the resources that open it',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: ['iam:PassRole', 'lambda:CreateFunction'], Resource: '*' }),
        ),
        severity: 'high',
        details: {
          escalations: [
            {
              id: 'iam-pass-any-role',
              grants: [
                { action: 'iam:PassRole', grantedBy: [{ statement: 'Statement[0]', resources: ['*'] }] },
              ],
            },
          ],
        },
      },
      {
        name: 'iam:* is critical',
        record: putRolePolicy('unknown-role', 'p', doc({ Effect: 'Allow', Action: 'iam:*', Resource: '*' })),
        severity: 'critical',
      },
      {
        name: 'a prefix wildcard that covers PutRolePolicy',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'iam:Put*', Resource: '*' }),
        ),
      },
      {
        name: 'broad sts:AssumeRole',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/*' }),
        ),
      },
    ],
    negative: [
      {
        name: 'NotAction on one bucket reaches no escalation action (drift, not privesc)',
        expect: 'quiet',
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc({
            Effect: 'Allow',
            NotAction: ['iam:*', 'sts:*', 's3:Delete*'],
            Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
          }),
        ),
      },
      {
        name: 'AssumeRole of one named role',
        expect: 'quiet',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: 'arn:aws:iam::123456789012:role/reader',
          }),
        ),
      },
      {
        name: 'read-only IAM',
        expect: 'quiet',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRoles'], Resource: '*' }),
        ),
      },
      {
        name: 'escalation only denied',
        expect: 'quiet',
        record: putRolePolicy('unknown-role', 'p', doc({ Effect: 'Deny', Action: 'iam:*', Resource: '*' })),
      },
    ],
  },
  'iam.policy.no-baseline': {
    positive: [
      {
        name: 'a role the baseline does not list',
        record: putRolePolicy(
          'lambda_role_1234',
          'lambda_policy_1234',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::aimodelshare-x/*' }),
        ),
        severity: 'medium',
        details: {
          roleName: 'lambda_role_1234',
          statements: [{ path: 'Statement[0]', effect: 'Allow', action: ['s3:GetObject'] }],
        },
      },
      {
        name: "someone else writing the guardrail's own role",
        record: putRolePolicy(
          'guardrail-prod-remediator',
          'p',
          doc({ Effect: 'Allow', Action: 'iam:TagUser', Resource: '*' }),
        ),
      },
    ],
    negative: [
      {
        name: 'a baseline role',
        expect: 'quiet',
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::xplore-face-auth-refs/a' }),
        ),
      },
    ],
  },
  'ec2.imds.v1-allowed': {
    positive: [
      {
        name: 'HttpTokens optional, remediation keeps the hop limit 2',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'optional' },
          { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
        ),
        severity: 'high',
        remediation: {
          action: 'enforce-imdsv2',
          mode: 'dry-run',
          status: 'proposed',
          params: {
            instanceId: 'i-0abc1234def567890',
            region: 'eu-west-1',
            httpTokens: 'required',
            hopLimit: 2,
          },
        },
      },
      {
        name: 'hop limit changed on an instance that is still IMDSv1: the response tells',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpPutResponseHopLimit: 2 },
          { httpTokens: 'optional', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
      },
      {
        name: 'enforce mode from the baseline',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }),
        baseline: `version: 1\nimds:\n  maxHopLimit: 1\n  hopLimit: 1\nrules:\n  ec2.imds.v1-allowed:\n    mode: enforce\n`,
        remediation: { mode: 'enforce', params: { hopLimit: 1 } },
      },
    ],
    negative: [
      {
        name: 'required',
        expect: 'quiet',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required' },
          { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
      },
      {
        name: 'endpoint disabled altogether',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional', HttpEndpoint: 'disabled' }),
      },
      {
        name: 'tokens unchanged and unknown',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: 2 }),
      },
      {
        name: 'rule disabled in the baseline',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }),
        baseline: `version: 1\nrules:\n  ec2.imds.v1-allowed:\n    enabled: false\n`,
      },
    ],
  },
  'ec2.imds.hop-limit': {
    positive: [
      {
        name: 'hop limit 3 above 2',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: 3 }),
        severity: 'medium',
        details: { hopLimit: 3, maxHopLimit: 2 },
      },
      {
        name: 'hop limit given as a string',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: '64' as unknown as number }),
        details: { hopLimit: 64 },
      },
    ],
    negative: [
      {
        name: 'hop limit 2 for containers (seed 002)',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }),
      },
      {
        name: 'no hop limit in the change',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required' }),
      },
      {
        name: "the guardrail's own remediation call",
        expect: { skipped: "made by guardrail's own role guardrail-prod-remediator" },
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required', HttpPutResponseHopLimit: 9 },
          undefined,
          {
            userIdentity: assumedRole('guardrail-prod-remediator', 'ec2'),
          },
        ),
      },
    ],
  },
};
