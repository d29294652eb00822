/**
 * Hand-made cases per rule: each rule needs at least one positive case (it fires) and one negative case (it
 * stays quiet); test/meta/rules.test.ts checks that. Records follow the real CloudTrail shape.
 */
import type { RuleId, Severity } from '../../src/core/types.ts';
import type { Json } from '../helpers/records.ts';
import {
  ACCOUNT,
  assumedRole,
  createAccessKey,
  createRole,
  createUser,
  identities,
  loginProfile,
  modifyImds,
  putRolePolicy,
  serviceTrust,
  updateAssumeRolePolicy,
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

export interface RuleCases {
  readonly positive: readonly RuleCase[];
  readonly negative: readonly RuleCase[];
}

const ephemeral = 'temporaryaccessAImodelshare0123456789abcdef0123456789abcdef';
const doc = (...Statement: Json[]): Json => ({ Version: '2012-10-17', Statement });

/** The account stratus-red-team's backdoors trust (its detonation logs). */
const FOREIGN = '193672423079';
const ec2Trust = serviceTrust('ec2.amazonaws.com');
const assume = (Principal: Json | string, more: Json = {}): Json => ({
  Effect: 'Allow',
  Principal,
  Action: 'sts:AssumeRole',
  ...more,
});
const foreignRoot = assume({ AWS: `arn:aws:iam::${FOREIGN}:root` });
const partnerBaseline = `version: 1\naccounts: ["${ACCOUNT}"]\nroles:\n  partner-read:\n    trust:\n      accounts: ["${FOREIGN}"]\n      externalId: required\n`;
/** An IAM user identity for a name (a user acting on itself). */
const userIdentity = (userName: string): Json => ({
  type: 'IAMUser',
  principalId: `AIDAEXAMPLE${userName.length}`,
  arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLESELF00001',
  userName,
});
/** IAM Identity Center acting through its service-linked role (it creates the AWSReservedSSO_* roles). */
const identityCenter: Json = {
  ...assumedRole('AWSServiceRoleForSSO', 'sso'),
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLESSO000001',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`,
      accountId: ACCOUNT,
      userName: 'AWSServiceRoleForSSO',
    },
  },
};
const ssoTrust = doc({
  Effect: 'Allow',
  Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE` },
  Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
  Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
});

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
      { name: 'approved user', record: createUser('chatbot-dev-bob') },
      { name: 'unknown user', record: createUser('backdoor') },
      { name: 'uppercase hex is not the pattern', record: createUser(ephemeral.toUpperCase()) },
      {
        name: 'ephemeral pattern with creators, made by someone else',
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
      { name: 'approved by glob, any case', record: createUser('ChatBot-Dev-Carol') },
      { name: 'approved by exact name', record: createUser('cml-cloud-manager-service') },
      {
        name: 'ephemeral from an allowed creator',
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
        name: 'approved user not meant to hold keys, making one itself',
        record: createAccessKey(undefined, { userIdentity: userIdentity('ci-deployer') }),
        baseline: `version: 1\naccessKeys:\n  rotationDays: 30\nusers:\n  approved:\n    - name: ci-deployer\n`,
        severity: 'medium',
        details: { rotationDays: 30, userClass: 'approved user not meant to hold keys' },
      },
      {
        name: 'seed 003: the service user rotating its own key is info (in reports, not notified)',
        record: createAccessKey(undefined, { userIdentity: identities.cmlService }),
        severity: 'info',
        details: {
          userName: 'cml-cloud-manager-service',
          createdByUser: true,
          existingKeys: { unknown: 'the access keys of cml-cloud-manager-service are not available here' },
        },
      },
      {
        name: 'seed 003: an administrator (a key manager) making its key is info',
        record: createAccessKey('cml-cloud-manager-service'),
        severity: 'info',
        details: { createdByUser: false, createdByKeyManager: true },
      },
      {
        name: 'seed 003: a key manager through an SSO session is info',
        record: createAccessKey('cml-cloud-manager-service', { userIdentity: identities.developer }),
        severity: 'info',
        details: { createdByKeyManager: true },
      },
      {
        name: 'seed 003: another user making a key for the service user is high',
        record: createAccessKey('cml-cloud-manager-service', { userIdentity: identities.intern }),
        severity: 'high',
        details: {
          createdByUser: false,
          createdByKeyManager: false,
          raisedBecause: ['created by someone other than the user or its key managers'],
        },
      },
      {
        name: 'seed 002: a dev user key provisioned by DevOps is info',
        record: createAccessKey('chatbot-dev-dana'),
        severity: 'info',
      },
      {
        name: 'stratus-red-team iam-backdoor-user: a key for an approved user without key managers is high',
        record: createAccessKey('svc-reports', { userIdentity: identities.intern }),
        baseline: `version: 1\nusers:\n  approved:\n    - name: svc-reports\n      accessKeys: allowed\n`,
        severity: 'high',
        details: { keyManagers: null },
      },
    ],
    negative: [
      {
        name: 'the rule switched off',
        record: createAccessKey('cml-cloud-manager-service', { userIdentity: identities.intern }),
        baseline: `version: 1\nrules:\n  iam.accesskey.long-lived:\n    enabled: false\n`,
      },
      {
        name: 'a failed call',
        record: createAccessKey('cml-cloud-manager-service', {
          userIdentity: identities.intern,
          errorCode: 'LimitExceeded',
        }),
      },
    ],
  },
  'iam.user.console-access': {
    positive: [
      {
        name: 'seed 003: a console password on the programmatic-only service user',
        record: loginProfile('CreateLoginProfile', 'cml-cloud-manager-service'),
        severity: 'high',
        details: {
          userName: 'cml-cloud-manager-service',
          userClass: 'programmatic-only user',
          reasons: ['programmatic-only', 'set by someone else'],
          baselinePath: 'users.approved[0]',
        },
      },
      {
        name: 'seed 002: a dev user setting a password for itself is still programmatic-only',
        record: loginProfile('CreateLoginProfile', undefined, {
          userIdentity: userIdentity('chatbot-dev-bob'),
        }),
        severity: 'high',
        details: { userName: 'chatbot-dev-bob', reasons: ['programmatic-only'] },
      },
      {
        name: "resetting another user's password (takeover)",
        record: loginProfile('UpdateLoginProfile', 'bob', { userIdentity: identities.intern }),
        severity: 'high',
        details: { userClass: 'user unknown to the baseline', reasons: ['set by someone else'] },
      },
      {
        name: 'an ephemeral user is always programmatic-only',
        record: loginProfile('CreateLoginProfile', ephemeral, { userIdentity: userIdentity(ephemeral) }),
        details: { reasons: ['ephemeral'] },
      },
      {
        name: "an administrator creating a console user's first password is medium",
        record: loginProfile('CreateLoginProfile', 'alice'),
        baseline: `version: 1\nusers:\n  approved:\n    - name: alice\n`,
        severity: 'medium',
        details: { userClass: 'approved user', reasons: ['set by someone else'] },
      },
      {
        name: "the root user's password (an AssumeRoot session) is critical",
        record: loginProfile('CreateLoginProfile', undefined, { userIdentity: identities.root }),
        severity: 'critical',
        details: { userName: null, reasons: ['root'] },
      },
    ],
    negative: [
      {
        name: 'a user the baseline allows on the console creating its own password',
        record: loginProfile('CreateLoginProfile', undefined, { userIdentity: userIdentity('alice') }),
        baseline: `version: 1\nusers:\n  approved:\n    - name: alice\n`,
      },
      {
        name: 'a user not in the baseline changing its own password',
        record: loginProfile('UpdateLoginProfile', 'ops-admin', { userIdentity: identities.admin }),
      },
    ],
  },
  'iam.role.trust': {
    positive: [
      {
        name: "seed 001: XploreEC2Role's trust opened to another account",
        record: updateAssumeRolePolicy(
          'XploreEC2Role',
          doc(assume({ Service: 'ec2.amazonaws.com' }), foreignRoot),
        ),
        severity: 'high',
        details: {
          roleName: 'XploreEC2Role',
          baselinePath: 'roles.XploreEC2Role.trust',
          allowed: { services: ['ec2.amazonaws.com'], accounts: [] },
          excess: [
            { kind: 'foreign-account', statement: 'Statement[1]', principal: `arn:aws:iam::${FOREIGN}:root` },
          ],
        },
      },
      {
        name: 'seed 000: the instance role handed to Lambda as well',
        record: updateAssumeRolePolicy(
          'ImageGeneratorEC2Role',
          serviceTrust('ec2.amazonaws.com', 'lambda.amazonaws.com'),
        ),
        severity: 'high',
        details: { excess: [{ kind: 'service', principal: 'lambda.amazonaws.com' }] },
      },
      {
        name: 'seed 004: the execution role trusted by the whole account, not the automation user',
        record: updateAssumeRolePolicy('aimodelshare-execution-role', doc(assume({ AWS: ACCOUNT }))),
        details: { excess: [{ kind: 'principal', principal: ACCOUNT }] },
      },
      {
        name: 'a new role anyone may assume is critical',
        record: createRole('data-export', doc(assume('*'))),
        severity: 'critical',
        details: { baselinePath: null, allowed: { ownAccounts: [ACCOUNT] }, excess: [{ kind: 'anyone' }] },
      },
      {
        name: 'GitHub OIDC pinned by audience only: every repository on GitHub may assume it',
        record: createRole(
          'deploy-from-github',
          doc({
            Effect: 'Allow',
            Principal: {
              Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
            },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } },
          }),
        ),
        severity: 'critical',
        details: { excess: [{ kind: 'open-federation' }] },
      },
      {
        name: 'a partner account without the ExternalId the baseline requires',
        record: updateAssumeRolePolicy('partner-read', doc(assume({ AWS: FOREIGN }))),
        baseline: partnerBaseline,
        details: { excess: [{ kind: 'external-id' }] },
      },
      {
        name: 'a trust policy that cannot be read is medium: who may assume the role is unknown',
        record: updateAssumeRolePolicy('XploreEC2Role', '{"Version": "2012-10-17", "Statement": ['),
        severity: 'medium',
        details: { roleName: 'XploreEC2Role', baselinePath: 'roles.XploreEC2Role.trust' },
      },
    ],
    negative: [
      {
        name: 'seed 000: create-role ImageGeneratorEC2Role as documented',
        record: createRole('ImageGeneratorEC2Role', ec2Trust),
      },
      {
        name: "seed 004: ensure_role with the role's own service",
        record: updateAssumeRolePolicy(
          'aimodelshare-codebuild-role',
          serviceTrust('codebuild.amazonaws.com'),
        ),
      },
      {
        name: 'seed 004: the execution role trusted by the automation user',
        record: createRole(
          'aimodelshare-execution-role',
          doc(assume({ AWS: `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin` })),
        ),
      },
      {
        name: 'a role the baseline does not know, trusting its own account',
        record: createRole('ops-break-glass', doc(assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` }))),
      },
      {
        name: 'a partner account with the ExternalId the baseline requires',
        record: updateAssumeRolePolicy(
          'partner-read',
          doc(assume({ AWS: FOREIGN }, { Condition: { StringEquals: { 'sts:ExternalId': 'partner-7' } } })),
        ),
        baseline: partnerBaseline,
      },
      {
        name: 'everyone outside the account denied',
        record: createRole(
          'shared-reader',
          doc(assume({ AWS: '*' }), {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:*',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNT } },
          }),
        ),
      },
      {
        name: "IAM Identity Center's permission-set role (its own SAML provider)",
        record: createRole('AWSReservedSSO_ReadOnly_0123456789abcdef', ssoTrust, {
          path: '/aws-reserved/sso.amazonaws.com/',
          userIdentity: identityCenter,
        }),
      },
    ],
  },
  'iam.role.unexpected': {
    positive: [
      {
        name: 'seed 004: an old per-run role the consolidated roles replaced',
        record: createRole('lambda_role_7f3a9c', serviceTrust('lambda.amazonaws.com')),
        severity: 'medium',
        details: { roleName: 'lambda_role_7f3a9c', path: '/', trustedBy: ['lambda.amazonaws.com'] },
      },
      {
        name: 'a reserved path used by a person, not by the AWS service',
        record: createRole('AWSReservedSSO_Admin_0123456789abcdef', ssoTrust, {
          path: '/aws-reserved/sso.amazonaws.com/',
        }),
      },
    ],
    negative: [
      { name: 'seed 001: create-role XploreEC2Role', record: createRole('XploreEC2Role', ec2Trust) },
      {
        name: 'a role matching a baseline name pattern',
        record: createRole('ci-runner-42', ec2Trust),
        baseline: `version: 1\nroles:\n  ci-runner-*:\n    description: per-run CI roles\n`,
      },
      {
        name: "the guardrail's own function role, created by its deployment",
        record: createRole('guardrail-prod-iam-events', serviceTrust('lambda.amazonaws.com')),
      },
      {
        name: "IAM Identity Center's permission-set role",
        record: createRole('AWSReservedSSO_ReadOnly_0123456789abcdef', ssoTrust, {
          path: '/aws-reserved/sso.amazonaws.com/',
          userIdentity: identityCenter,
        }),
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
        record: putRolePolicy(
          'aimodelshare-lambda-exec',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::aimodelshare-models/v1/*' }),
        ),
      },
      {
        name: 'a Statement object, only Denies added',
        record: putRolePolicy('XploreEC2Role', 'p', {
          Version: '2012-10-17',
          Statement: { Effect: 'Deny', Action: '*', Resource: '*' },
        }),
      },
      {
        name: 'a role without baseline is not drift (no-baseline says it)',
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
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: ['ec2:DescribeInstances', 's3:ListAllMyBuckets'], Resource: '*' }),
        ),
      },
      {
        name: 'prefix wildcard of read actions on *',
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }),
        ),
      },
      {
        name: 'wildcards only in a Deny',
        record: putRolePolicy('unknown-role', 'p', doc({ Effect: 'Deny', Action: '*', Resource: '*' })),
      },
      {
        name: 'approved by the baseline (ecr:GetAuthorizationToken on * for codebuild)',
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
        name: 'AssumeRole of one named role',
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
        record: putRolePolicy(
          'unknown-role',
          'p',
          doc({ Effect: 'Allow', Action: ['iam:GetRole', 'iam:ListRoles'], Resource: '*' }),
        ),
      },
      {
        name: 'escalation only denied',
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
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required' },
          { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
      },
      {
        name: 'endpoint disabled altogether',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional', HttpEndpoint: 'disabled' }),
      },
      {
        name: 'tokens unchanged and unknown',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: 2 }),
      },
      {
        name: 'rule disabled in the baseline',
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
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }),
      },
      {
        name: 'no hop limit in the change',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required' }),
      },
      {
        name: "the guardrail's own remediation call",
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
