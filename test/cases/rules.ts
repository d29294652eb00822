/**
 * Hand-made cases per rule: each rule needs at least one positive case (it fires) and one negative case (it
 * does not); test/meta/rules.test.ts checks that. A negative case says why the rule does not fire: the record
 * is evaluated and the rule stays quiet, or the engine skips the record, for the reason given. Records follow
 * the real CloudTrail shape.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { RuleId, Severity } from '../../src/core/types.ts';
import { corpus, corpusPath } from '../helpers/corpus.ts';
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  modifyImdsDefaults,
  runInstances,
} from '../helpers/ec2Records.ts';
import type { Json } from '../helpers/records.ts';
import {
  ACCOUNT,
  addUserToGroup,
  assumedRole,
  attachPolicy,
  createAccessKey,
  createGroup,
  createPolicy,
  createPolicyVersion,
  createRole,
  createUser,
  deleteBoundary,
  identities,
  loginProfile,
  modifyImds,
  policyArn,
  putBoundary,
  putEventSelectors,
  putGroupPolicy,
  putRolePolicy,
  putUserPolicy,
  serviceTrust,
  setDefaultPolicyVersion,
  stackCall,
  trailCall,
  updateAssumeRolePolicy,
  updateTrail,
} from '../helpers/records.ts';

export interface RuleCase {
  readonly name: string;
  readonly record: Json;
  /** YAML of a baseline to use instead of infra/baseline.example.yml. */
  readonly baseline?: string;
  readonly severity?: Severity;
  /** Fields the finding's details must contain (deep partial match). */
  readonly details?: Json;
  /** `null`: the finding proposes no remediation. */
  readonly remediation?: Json | null;
  readonly resource?: string;
  /** Records before it that the offline knowledge learns from (a CreatePolicy before its attachment). */
  readonly trail?: readonly Json[];
}

/** Why a negative case gives no finding: evaluated, this rule quiet; or skipped, with the engine's reason. */
export type NotFired = 'quiet' | { readonly skipped: string };

export interface NegativeCase {
  readonly name: string;
  readonly record: Json;
  /** YAML of a baseline to use instead of infra/baseline.example.yml. */
  readonly baseline?: string;
  readonly expect: NotFired;
  /** Records before it that the offline knowledge learns from. */
  readonly trail?: readonly Json[];
}

export interface RuleCases {
  readonly positive: readonly RuleCase[];
  readonly negative: readonly NegativeCase[];
}

/** A baseline with IMDSv2 required, hop limit at most 2 and no profiles: every instance's maximum is known. */
const NO_PROFILES = 'version: 1\nimds:\n  maxHopLimit: 2\n  hopLimit: 2\n';
/** Matches a string containing `text` inside a deep partial match. */
const expectText = (text: string): unknown => expect.stringContaining(text);

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

/** A real record of ../shared/corpus/target-events/stratus-red-team; undefined (its cases left out) without the corpus. */
function stratus(file: string, eventName: string): Json | undefined {
  if (!corpus) return undefined;
  const text = readFileSync(corpusPath('target-events', 'stratus-red-team', file), 'utf8');
  return (JSON.parse(text) as { Records: Json[] }).Records.find((r) => r.eventName === eventName);
}
/** Cases on real records, when the corpus is there. */
function real(
  name: string,
  record: Json | undefined,
  rest: Omit<RuleCase, 'name' | 'record'> = {},
): RuleCase[] {
  return record ? [{ name: `real record: ${name}`, record, ...rest }] : [];
}
/** stratus-red-team's iam-create-admin-user: AdministratorAccess attached to a new user, malicious-iam-user. */
const STRATUS_ADMIN_USER = stratus('aws.persistence.iam-create-admin-user.json', 'AttachUserPolicy');
/** stratus-red-team's iam-create-backdoor-role: AdministratorAccess attached to the role it created. */
const STRATUS_ADMIN_ROLE = stratus('aws.persistence.iam-create-backdoor-role.json', 'AttachRolePolicy');

const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const S3_READ_ONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const imageGeneratorPolicy = doc({
  Effect: 'Allow',
  Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
  Resource: ['arn:aws:s3:::short-drama-assets', 'arn:aws:s3:::short-drama-assets/*'],
});
const EARLIER = { eventTime: '2026-11-20T10:00:00Z' };
/** The example: a new default version granting iam:PassRole and iam:AttachRolePolicy on `*`. */
const escalatingVersion = doc({
  Effect: 'Allow',
  Action: ['iam:PassRole', 'iam:AttachRolePolicy'],
  Resource: '*',
});

/** Principals of every kind, with envelopes, groups and a boundary, for the paths the example baseline lacks. */
const PATHS_BASELINE = `version: 1
roles:
  reader:
    managedPolicies: [${S3_READ_ONLY}]
  data-role:
    permissions:
      - {Effect: Allow, Action: ["s3:*", "s3-object-lambda:*"], Resource: "*"}
    boundary: arn:aws:iam::123456789012:policy/DataBoundary
groups:
  analysts:
    permissions:
      - {Effect: Allow, Action: "athena:*", Resource: "*"}
users:
  approved:
    - name: alice
      permissions:
        - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*"}
      groups: [analysts]
      boundary: arn:aws:iam::123456789012:policy/UserBoundary
    - name: bob
      permissions:
        - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*"}
policies:
  Reports:
    permissions:
      - {Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*"}
    attachTo: { users: [bob] }
`;

/** PATHS_BASELINE with a never-grant list (iam.policy.never-grant). */
const PATHS_NEVER_GRANT = `${PATHS_BASELINE}neverGrant:
  - {Effect: Allow, Action: iam:PassRole, Resource: "*"}
  - {Effect: Allow, Action: organizations:LeaveOrganization, Resource: "*"}
`;

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
          existingKeys: {
            unknown:
              'no access key of cml-cloud-manager-service appears in the trail before 2026-11-20T10:15:29Z; keys made earlier are not known offline',
          },
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
        expect: 'quiet',
        record: createAccessKey('cml-cloud-manager-service', { userIdentity: identities.intern }),
        baseline: `version: 1\nrules:\n  iam.accesskey.long-lived:\n    enabled: false\n`,
      },
      {
        name: 'a failed call',
        expect: { skipped: 'failed call (errorCode LimitExceeded)' },
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
        expect: 'quiet',
        record: loginProfile('CreateLoginProfile', undefined, { userIdentity: userIdentity('alice') }),
        baseline: `version: 1\nusers:\n  approved:\n    - name: alice\n`,
      },
      {
        name: 'a user not in the baseline changing its own password',
        expect: 'quiet',
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
        expect: 'quiet',
        record: createRole('ImageGeneratorEC2Role', ec2Trust),
      },
      {
        name: "seed 004: ensure_role with the role's own service",
        expect: 'quiet',
        record: updateAssumeRolePolicy(
          'aimodelshare-codebuild-role',
          serviceTrust('codebuild.amazonaws.com'),
        ),
      },
      {
        name: 'seed 004: the execution role trusted by the automation user',
        expect: 'quiet',
        record: createRole(
          'aimodelshare-execution-role',
          doc(assume({ AWS: `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin` })),
        ),
      },
      {
        name: 'a role the baseline does not know, trusting its own account',
        expect: 'quiet',
        record: createRole('ops-break-glass', doc(assume({ AWS: `arn:aws:iam::${ACCOUNT}:root` }))),
      },
      {
        name: 'a partner account with the ExternalId the baseline requires',
        expect: 'quiet',
        record: updateAssumeRolePolicy(
          'partner-read',
          doc(assume({ AWS: FOREIGN }, { Condition: { StringEquals: { 'sts:ExternalId': 'partner-7' } } })),
        ),
        baseline: partnerBaseline,
      },
      {
        name: 'everyone outside the account denied',
        expect: 'quiet',
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
        expect: 'quiet',
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
      {
        name: "a role named like guardrail's own, created by someone who is not among its deployers",
        record: createRole('guardrail-prod-helper', serviceTrust('lambda.amazonaws.com')),
        severity: 'high',
        details: {
          roleName: 'guardrail-prod-helper',
          ownRoles: ['guardrail-*'],
          deployers: 'none named (guardrail.deployers)',
        },
      },
      {
        name: "a role named like guardrail's own, created by a developer while deployers are named",
        record: createRole('guardrail-prod-iam-events', serviceTrust('lambda.amazonaws.com'), {
          userIdentity: identities.developer,
        }),
        baseline:
          'version: 1\nguardrail:\n  ownRoles: [guardrail-*]\n  deployers: ["arn:aws:iam::*:role/ci-deploy"]\n',
        severity: 'high',
        details: { deployers: ['arn:aws:iam::*:role/ci-deploy'] },
      },
    ],
    negative: [
      {
        expect: 'quiet',
        name: 'seed 001: create-role XploreEC2Role',
        record: createRole('XploreEC2Role', ec2Trust),
      },
      {
        name: 'a role matching a baseline name pattern',
        expect: 'quiet',
        record: createRole('ci-runner-42', ec2Trust),
        baseline: `version: 1\nroles:\n  ci-runner-*:\n    description: per-run CI roles\n`,
      },
      {
        name: "the guardrail's own function role, created by its deployment (a role of guardrail.deployers)",
        expect: 'quiet',
        record: createRole('guardrail-prod-iam-events', serviceTrust('lambda.amazonaws.com'), {
          userIdentity: assumedRole('ci-deploy', 'github-actions-1234'),
        }),
        baseline:
          'version: 1\nguardrail:\n  ownRoles: [guardrail-*]\n  deployers: ["arn:aws:iam::*:role/ci-deploy"]\n',
      },
      {
        name: "IAM Identity Center's permission-set role",
        expect: 'quiet',
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
        name: 'managed: AdministratorAccess attached to a seed role, judged on its document at the event time',
        record: attachPolicy('Role', 'XploreEC2Role', ADMINISTRATOR_ACCESS),
        details: {
          path: 'managed',
          policyArn: ADMINISTRATOR_ACCESS,
          versionId: 'v1',
          reaches: ['roles.XploreEC2Role'],
          baselinePath: 'roles.XploreEC2Role',
        },
      },
      {
        name: 'managed: an AWS managed policy beyond the role envelope (AmazonS3ReadOnlyAccess on the image generator)',
        record: attachPolicy('Role', 'ImageGeneratorEC2Role', S3_READ_ONLY),
        details: { path: 'managed', policyArn: S3_READ_ONLY },
      },
      {
        name: 'inline: a user policy beyond the dev user envelope',
        record: putUserPolicy(
          'chatbot-dev-alice',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other-bucket/*' }),
        ),
        details: { path: 'inline', userName: 'chatbot-dev-alice', baselinePath: 'users.approved[1]' },
      },
      {
        name: 'inline: a group policy beyond the group envelope',
        record: putGroupPolicy(
          'analysts',
          'p',
          doc({ Effect: 'Allow', Action: 'glue:GetTable', Resource: '*' }),
        ),
        baseline: PATHS_BASELINE,
        details: { path: 'inline', groupName: 'analysts', baselinePath: 'groups.analysts' },
      },
      {
        name: 'group: a user joins a group whose policy (seen in the trail) it may not have',
        trail: [
          createGroup('ops', EARLIER),
          putGroupPolicy(
            'ops',
            'ops-admin',
            doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: addUserToGroup('bob', 'ops'),
        baseline: PATHS_BASELINE,
        details: {
          path: 'group',
          userName: 'bob',
          groupName: 'ops',
          document: 'inline policy ops-admin of group ops',
        },
      },
      {
        name: 'policy-version: ImageGeneratorS3Access rewritten to s3:* by a new default version',
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
          'v2',
          true,
        ),
        details: {
          path: 'policy-version',
          policyArn: policyArn('ImageGeneratorS3Access'),
          versionId: 'v2',
          reaches: ['roles.ImageGeneratorEC2Role'],
          baselinePath: 'policies.ImageGeneratorS3Access',
          judged: [
            { principal: 'policy ImageGeneratorS3Access', baselinePath: 'policies.ImageGeneratorS3Access' },
            { principal: 'role ImageGeneratorEC2Role', baselinePath: 'roles.ImageGeneratorEC2Role' },
          ],
        },
      },
      {
        name: 'policy-version: a version that is not the default still leaves its policy envelope',
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
          'v3',
          false,
        ),
        details: { path: 'policy-version', setAsDefault: false, principals: [] },
      },
      {
        name: 'policy-version: SetDefaultPolicyVersion back to a broad version the trail created',
        trail: [
          createPolicy('Reports', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), EARLIER),
          createPolicyVersion(
            policyArn('Reports'),
            doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }),
            'v2',
            true,
            EARLIER,
          ),
          attachPolicy('User', 'bob', policyArn('Reports'), EARLIER),
        ],
        record: setDefaultPolicyVersion(policyArn('Reports'), 'v1'),
        baseline: PATHS_BASELINE,
        details: { path: 'policy-version', versionId: 'v1', principals: ['user/bob'] },
      },
      {
        name: 'policy-version: CreatePolicy of a declared policy beyond its envelope',
        record: createPolicy(
          'ImageGeneratorS3Access',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
        ),
        details: { path: 'policy-version', versionId: 'v1', principals: [] },
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
      {
        expect: 'quiet',
        name: 'managed: seed 000 attaches ImageGeneratorS3Access after creating it',
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
      },
      {
        expect: 'quiet',
        name: 'managed: an AWS managed policy the role lists',
        record: attachPolicy('Role', 'reader', S3_READ_ONLY),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'managed: an AWS managed policy whose document fits the envelope',
        record: attachPolicy('Role', 'data-role', S3_READ_ONLY),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'managed: a declared policy attachTo lets the user carry, never seen in the trail',
        record: attachPolicy('User', 'bob', policyArn('Reports')),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'group: a user joins a group the baseline lets it join',
        record: addUserToGroup('alice', 'analysts'),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'group: the group policies (from the trail) fit the user envelope',
        trail: [
          createGroup('readers', EARLIER),
          putGroupPolicy(
            'readers',
            'r',
            doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/2026/*' }),
            EARLIER,
          ),
        ],
        record: addUserToGroup('bob', 'readers'),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'policy-version: a new default version within the policy envelope',
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::short-drama-assets/*' }),
          'v2',
          true,
        ),
      },
      {
        expect: 'quiet',
        name: 'boundary: offline, a removed boundary is left to iam.boundary.removed',
        record: deleteBoundary('Role', 'data-role'),
        baseline: PATHS_BASELINE,
      },
    ],
  },
  'iam.policy.wildcard': {
    positive: [
      ...real('AttachUserPolicy of AdministratorAccess to a backdoor user', STRATUS_ADMIN_USER, {
        severity: 'critical',
        details: { path: 'managed', userName: 'malicious-iam-user', policyArn: ADMINISTRATOR_ACCESS },
      }),
      {
        name: 'policy-version: s3:* in a new default version of a seed policy',
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }),
          'v2',
          true,
        ),
        severity: 'high',
        details: { path: 'policy-version', statements: [{ path: 'Statement[0]', action: ['s3:*'] }] },
      },
      {
        name: 'inline: a group policy with ec2:* on *',
        record: putGroupPolicy('analysts', 'p', doc({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' })),
        baseline: PATHS_BASELINE,
        details: { path: 'inline', groupName: 'analysts' },
      },
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
        expect: 'quiet',
        name: 'managed: the seed policy the role may carry',
        record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
      },
      {
        expect: 'quiet',
        name: 'managed: a read-only AWS managed policy on * (AmazonS3ReadOnlyAccess)',
        record: attachPolicy('Role', 'unknown-role', S3_READ_ONLY),
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
      ...real('AttachRolePolicy of AdministratorAccess to a backdoor role', STRATUS_ADMIN_ROLE, {
        severity: 'critical',
        details: { path: 'managed', roleName: 'stratus-red-team-malicious-iam-role', versionId: 'v1' },
      }),
      {
        name: 'policy-version: iam:PassRole and iam:AttachRolePolicy on * in a policy whose holders are unknown',
        record: createPolicyVersion(policyArn('SomeTeamPolicy'), escalatingVersion, 'v4', true),
        severity: 'high',
        details: { path: 'policy-version', versionId: 'v4' },
      },
      {
        name: 'group: joining a group that holds AdministratorAccess (from the trail)',
        trail: [
          createGroup('admins', EARLIER),
          attachPolicy('Group', 'admins', ADMINISTRATOR_ACCESS, EARLIER),
        ],
        record: addUserToGroup('bob', 'admins'),
        baseline: PATHS_BASELINE,
        severity: 'critical',
        details: { path: 'group', groupName: 'admins' },
      },
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
        expect: 'quiet',
        name: 'policy-version: the same grant in a version that is not the default (nobody holds it yet)',
        record: createPolicyVersion(policyArn('SomeTeamPolicy'), escalatingVersion, 'v4', false),
      },
      {
        expect: 'quiet',
        name: 'managed: a read-only AWS managed policy',
        record: attachPolicy('Role', 'unknown-role', S3_READ_ONLY),
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
      ...real('AttachUserPolicy to a user the baseline does not know', STRATUS_ADMIN_USER, {
        details: { path: 'managed', withoutBaseline: [{ principal: 'user malicious-iam-user' }] },
      }),
      {
        name: 'inline: a user policy on an unknown user',
        record: putUserPolicy(
          'backdoor',
          'p',
          doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
        ),
        details: { path: 'inline', userName: 'backdoor' },
      },
      {
        name: 'managed: a policy attached to an ephemeral user, which has no envelope',
        trail: [
          createPolicy(
            'run-policy',
            doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: attachPolicy('User', ephemeral, policyArn('run-policy')),
        details: { path: 'managed' },
      },
      {
        name: 'policy-version: a new default version of an undeclared policy whose holders are unknown',
        record: createPolicyVersion(policyArn('SomeTeamPolicy'), escalatingVersion, 'v4', true),
        details: { path: 'policy-version', principals: [] },
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
      {
        expect: 'quiet',
        name: 'managed: AdministratorAccess on a baseline role is drift, not no-baseline',
        record: attachPolicy('Role', 'XploreEC2Role', ADMINISTRATOR_ACCESS),
      },
      {
        expect: 'quiet',
        name: 'policy-version: an undeclared policy the trail shows was never attached',
        trail: [
          createPolicy(
            'SomeTeamPolicy',
            doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: createPolicyVersion(policyArn('SomeTeamPolicy'), escalatingVersion, 'v2', true),
      },
      {
        expect: 'quiet',
        name: 'policy-version: CreatePolicy of an undeclared policy (attaching it is what is judged)',
        record: createPolicy('SomeTeamPolicy', escalatingVersion),
      },
    ],
  },
  'iam.policy.unknown-document': {
    positive: [
      {
        name: 'managed: a customer-managed policy neither declared nor seen in the trail',
        record: attachPolicy('Role', 'XploreEC2Role', policyArn('Mystery')),
        severity: 'medium',
        details: {
          path: 'managed',
          unread: [
            { policyArn: policyArn('Mystery'), principal: 'arn:aws:iam::123456789012:role/XploreEC2Role' },
          ],
        },
      },
      {
        name: 'policy-version: SetDefaultPolicyVersion to a version the trail does not show',
        record: setDefaultPolicyVersion(policyArn('ImageGeneratorS3Access'), 'v7'),
        details: { path: 'policy-version', unread: [{ versionId: 'v7' }] },
      },
      {
        name: 'group: a group whose policies are unknown',
        record: addUserToGroup('chatbot-dev-alice', 'ops'),
        details: { path: 'group', unread: [{ groupName: 'ops' }] },
      },
      {
        name: 'managed: an AWS managed policy the data does not know',
        record: attachPolicy('Role', 'XploreEC2Role', 'arn:aws:iam::aws:policy/NotAnAwsManagedPolicy'),
      },
    ],
    negative: [
      {
        expect: 'quiet',
        name: 'managed: a declared policy stands in with its envelope',
        record: attachPolicy('Role', 'XploreEC2Role', policyArn('CMLWorkerManagementPolicy')),
      },
      {
        expect: 'quiet',
        name: 'managed: a policy the trail created',
        trail: [
          createPolicy('Mystery', doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), EARLIER),
        ],
        record: attachPolicy('Role', 'XploreEC2Role', policyArn('Mystery')),
      },
      {
        expect: 'quiet',
        name: 'group: a baseline group stands in with its envelope',
        record: addUserToGroup('bob', 'analysts'),
        baseline: PATHS_BASELINE,
      },
    ],
  },
  'iam.boundary.removed': {
    positive: [
      {
        name: 'the boundary of a role removed',
        record: deleteBoundary('Role', 'data-role'),
        baseline: PATHS_BASELINE,
        severity: 'high',
        details: {
          roleName: 'data-role',
          expected: 'arn:aws:iam::123456789012:policy/DataBoundary',
          removed: true,
        },
      },
      {
        name: 'the boundary of a user replaced by another policy',
        record: putBoundary('User', 'alice', ADMINISTRATOR_ACCESS),
        baseline: PATHS_BASELINE,
        details: { userName: 'alice', replacement: ADMINISTRATOR_ACCESS },
      },
    ],
    negative: [
      {
        expect: 'quiet',
        name: 'the baseline boundary put (back)',
        record: putBoundary('Role', 'data-role', 'arn:aws:iam::123456789012:policy/DataBoundary'),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'a boundary removed from a principal the baseline gives none',
        record: deleteBoundary('User', 'bob'),
        baseline: PATHS_BASELINE,
      },
      {
        expect: 'quiet',
        name: 'an unknown role',
        record: deleteBoundary('Role', 'somebody'),
      },
    ],
  },
  'ec2.imds.v1-allowed': {
    positive: [
      {
        name: "a role named like guardrail's own allowing IMDSv1: judged like anyone's call",
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }, undefined, {
          userIdentity: assumedRole('guardrail-prod-remediator', 'ec2'),
        }),
        baseline: NO_PROFILES,
        severity: 'high',
        details: { instanceId: 'i-0abc1234def567890' },
      },
      {
        name: 'HttpTokens optional: required, keeping its hop limit (never raised)',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'optional' },
          { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
        ),
        baseline: NO_PROFILES,
        severity: 'high',
        details: { instanceId: 'i-0abc1234def567890', hopLimit: 1, maxHopLimit: 2 },
        remediation: {
          action: 'enforce-imdsv2',
          mode: 'dry-run',
          status: 'proposed',
          params: {
            region: 'eu-west-1',
            instances: [
              {
                instanceId: 'i-0abc1234def567890',
                httpTokens: 'required',
                maxHopLimit: 2,
                seen: { httpTokens: 'optional', hopLimit: 1 },
              },
            ],
          },
        },
      },
      {
        name: 'IMDSv1 and a hop limit above the maximum: one finding carrying both',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpPutResponseHopLimit: 3 },
          { httpTokens: 'optional', httpPutResponseHopLimit: 3, httpEndpoint: 'enabled' },
        ),
        baseline: NO_PROFILES,
        details: {
          hopLimit: 3,
          maxHopLimit: 2,
          instances: [{ problems: ['imdsv1', 'hop-limit'], profile: null, profilePath: 'imds' }],
        },
        remediation: { params: { instances: [{ maxHopLimit: 2, seen: { hopLimit: 3 } }] } },
      },
      {
        name: 'enforce mode from the baseline',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }),
        baseline: `version: 1\nimds:\n  maxHopLimit: 1\n  hopLimit: 1\nrules:\n  ec2.imds.v1-allowed:\n    mode: enforce\n`,
        remediation: { mode: 'enforce', params: { instances: [{ maxHopLimit: 1 }] } },
      },
      {
        name: 'offline, tags unknown: judged against the strictest profile, remediated within the loosest',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'optional' },
          { httpTokens: 'optional', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
        details: {
          instances: [
            {
              problems: ['imdsv1', 'hop-limit'],
              maxHopLimit: 1,
              profileUndecided: { candidates: ['kdcube-containers', 'account'] },
            },
          ],
        },
        remediation: { params: { instances: [{ httpTokens: 'required', maxHopLimit: 2 }] } },
      },
      {
        name: 'RunInstances launching an IMDSv1 instance (the response tells)',
        record: runInstances([
          {
            id: 'i-0abc1234def567890',
            metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
          },
        ]),
        severity: 'high',
        details: {
          instances: [{ instanceId: 'i-0abc1234def567890', settingsFrom: 'response', profile: null }],
        },
        remediation: {
          action: 'enforce-imdsv2',
          params: {
            region: 'eu-west-1',
            instances: [{ instanceId: 'i-0abc1234def567890', httpTokens: 'required', maxHopLimit: 1 }],
          },
        },
      },
      {
        name: "seed 001's run-instances as documented (no metadata options): EC2 launched it on IMDSv1",
        record: runInstances([
          {
            id: 'i-0f1e2d3c4b5a69788',
            metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
          },
        ]),
        severity: 'high',
      },
      {
        name: 'one event, several instances, each with its own maximum (profile by tag)',
        record: runInstances(
          [
            {
              id: 'i-0aaaaaaaaaaaaaaa1',
              metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
              tags: { 'guardrail:imds-profile': 'containers' },
            },
            {
              id: 'i-0aaaaaaaaaaaaaaa2',
              metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
            },
          ],
          { metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 } },
        ),
        resource: 'arn:aws:ec2:eu-west-1:123456789012:reservation/r-0a1b2c3d4e5f60718',
        details: {
          instances: [
            { instanceId: 'i-0aaaaaaaaaaaaaaa1', profile: 'kdcube-containers', problems: ['imdsv1'] },
            { instanceId: 'i-0aaaaaaaaaaaaaaa2', profile: null, problems: ['imdsv1', 'hop-limit'] },
          ],
        },
        remediation: {
          params: {
            instances: [
              { instanceId: 'i-0aaaaaaaaaaaaaaa1', maxHopLimit: 2 },
              { instanceId: 'i-0aaaaaaaaaaaaaaa2', maxHopLimit: 1 },
            ],
          },
        },
      },
      {
        name: 'RunInstances whose record states no metadata option (after 2019): may be IMDSv1, medium',
        record: runInstances([{ id: 'i-0abc1234def567890' }]),
        severity: 'medium',
        details: { instances: [{ settingsFrom: 'unstated', problems: ['imdsv1-possible'] }] },
        remediation: { params: { instances: [{ instanceId: 'i-0abc1234def567890', maxHopLimit: 1 }] } },
      },
      {
        name: 'a launch template with HttpTokens optional: no remediation, the steps say how to publish a fix',
        record: createLaunchTemplate('web', { MetadataOptions: { HttpTokens: 'optional' } }),
        severity: 'high',
        resource: 'arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0abcd290751193123',
        details: { templateName: 'web', version: 1, httpTokens: 'optional', problems: ['imdsv1'] },
        remediation: null,
      },
      {
        name: 'a launch template that does not set HttpTokens: its instances take the defaults, medium',
        record: createLaunchTemplate('web', {}),
        severity: 'medium',
        details: { httpTokens: null, problems: ['imdsv1-possible'] },
      },
      {
        name: 'a template version starting from another, without metadata options: medium',
        record: createLaunchTemplateVersion('lt-0abcd290751193123', {}, { version: 4, sourceVersion: '3' }),
        severity: 'medium',
        details: { version: 4, sourceVersion: '3' },
      },
      {
        name: 'a template version that allows IMDSv1 with a container hop limit',
        record: createLaunchTemplateVersion(
          'lt-0abcd290751193123',
          {
            MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 },
            instanceTags: { 'guardrail:imds-profile': 'containers' },
          },
          { version: 2 },
        ),
        details: { profile: 'kdcube-containers', maxHopLimit: 2, problems: ['imdsv1'] },
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
      {
        name: "seed 001's run-instances with --metadata-options HttpTokens=required",
        expect: 'quiet',
        record: runInstances(
          [
            {
              id: 'i-0f1e2d3c4b5a69788',
              metadataOptions: {
                httpTokens: 'required',
                httpPutResponseHopLimit: 1,
                httpEndpoint: 'enabled',
              },
            },
          ],
          { metadataOptions: { httpTokens: 'required' } },
        ),
      },
      {
        name: 'a hop limit above the maximum with tokens required is the hop-limit rule alone',
        expect: 'quiet',
        record: runInstances([
          {
            id: 'i-0abc1234def567890',
            metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
          },
        ]),
      },
      {
        name: 'an instance whose profile documents an IMDSv1 exception (listed by id)',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional' }),
        baseline: `version: 1\nimds:\n  profiles:\n    - name: legacy\n      match: { instanceIds: [i-0abc1234def567890] }\n      httpTokens: optional\n      maxHopLimit: 1\n`,
      },
      {
        name: 'a launch template that requires IMDSv2',
        expect: 'quiet',
        record: createLaunchTemplate('web', {
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        }),
      },
    ],
  },
  'ec2.imds.hop-limit': {
    positive: [
      {
        name: 'hop limit 3 above 2',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: 3 }),
        baseline: NO_PROFILES,
        severity: 'medium',
        details: { hopLimit: 3, maxHopLimit: 2 },
        remediation: {
          action: 'enforce-imdsv2',
          params: {
            instances: [{ instanceId: 'i-0abc1234def567890', httpTokens: 'required', maxHopLimit: 2 }],
          },
        },
      },
      {
        name: "a role named like guardrail's own raising a hop limit: judged, not taken for enforce-imdsv2",
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required', HttpPutResponseHopLimit: 9 },
          undefined,
          {
            userIdentity: assumedRole('guardrail-prod-remediator', 'ec2'),
          },
        ),
        baseline: NO_PROFILES,
        details: { hopLimit: 9, maxHopLimit: 2 },
      },
      {
        name: 'hop limit given as a string',
        record: modifyImds('i-0abc1234def567890', { HttpPutResponseHopLimit: '64' as unknown as number }),
        details: { hopLimit: 64 },
      },
      {
        name: 'offline, tags unknown: hop limit 2 judged against the strictest maximum (1), never lowered below 2',
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
        details: {
          hopLimit: 2,
          maxHopLimit: 1,
          instances: [
            {
              profileUndecided: {
                why: expectText('not in the record'),
                candidates: ['kdcube-containers', 'account'],
              },
            },
          ],
        },
        remediation: { params: { instances: [{ maxHopLimit: 2 }] } },
      },
      {
        name: 'RunInstances, tokens required, hop limit 2 on an instance no profile allows it',
        record: runInstances([
          {
            id: 'i-0abc1234def567890',
            metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
          },
        ]),
        details: { instances: [{ problems: ['hop-limit'], maxHopLimit: 1 }] },
        remediation: { params: { instances: [{ instanceId: 'i-0abc1234def567890', maxHopLimit: 1 }] } },
      },
      {
        name: 'a launch template for containers with hop limit 3',
        record: createLaunchTemplate('kdcube', {
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 3 },
          instanceTags: { 'guardrail:imds-profile': 'containers' },
        }),
        details: { hopLimit: 3, maxHopLimit: 2, profile: 'kdcube-containers' },
        remediation: null,
      },
      {
        name: "a profile's IMDSv1 exception: only the hop limit is corrected, tokens kept",
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
        baseline: `version: 1\nimds:\n  profiles:\n    - name: legacy\n      match: { instanceIds: [i-0abc1234def567890] }\n      httpTokens: optional\n      maxHopLimit: 1\n`,
        remediation: { params: { instances: [{ httpTokens: 'keep', maxHopLimit: 1 }] } },
      },
    ],
    negative: [
      {
        name: 'hop limit 2 for containers (seed 002), within the maximum',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required', HttpPutResponseHopLimit: 2 }),
        baseline: NO_PROFILES,
      },
      {
        name: 'no hop limit in the change',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'required' }),
      },
      {
        name: "the guardrail's own enforce-imdsv2 call: IMDSv2 required, a hop limit every profile allows",
        expect: { skipped: "made by guardrail's own role guardrail-prod-remediator (enforce-imdsv2)" },
        record: modifyImds(
          'i-0abc1234def567890',
          { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
          undefined,
          {
            userIdentity: assumedRole('guardrail-prod-remediator', 'ec2'),
          },
        ),
      },
      {
        name: 'IMDSv1 and hop limit 3 together: ec2.imds.v1-allowed carries both (one finding per instance)',
        expect: 'quiet',
        record: modifyImds('i-0abc1234def567890', { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
      },
      {
        name: 'a KDCube host launched tagged for its profile with hop limit 2',
        expect: 'quiet',
        record: runInstances(
          [
            {
              id: 'i-0abc1234def567890',
              metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
              tags: { 'guardrail:imds-profile': 'containers' },
            },
          ],
          { tags: { 'guardrail:imds-profile': 'containers' } },
        ),
      },
      {
        name: 'a container launch template within its profile',
        expect: 'quiet',
        record: createLaunchTemplate('kdcube', {
          MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          instanceTags: { 'guardrail:imds-profile': 'containers' },
        }),
      },
    ],
  },
  'ec2.imds.account-default': {
    positive: [
      {
        name: 'the default allows IMDSv1',
        record: modifyImdsDefaults({ HttpTokens: 'optional' }),
        severity: 'high',
        resource: 'arn:aws:ec2:eu-west-1:123456789012:instance-metadata-defaults',
        details: { httpTokens: 'optional', unchanged: ['hopLimit', 'httpEndpoint'] },
        remediation: null,
      },
      {
        name: 'no preference: launches fall back to the AMI, IMDSv1 by default',
        record: modifyImdsDefaults({ HttpTokens: 'no-preference' }),
        severity: 'medium',
      },
      {
        name: 'a default hop limit above the account maximum',
        record: modifyImdsDefaults({ HttpTokens: 'required', HttpPutResponseHopLimit: 3 }),
        severity: 'medium',
        details: { hopLimit: 3, maxHopLimit: 1 },
      },
      {
        name: 'the hop limit cleared while the maximum is 1 (AMIs with ImdsSupport v2.0 give 2)',
        record: modifyImdsDefaults({ HttpPutResponseHopLimit: -1 }),
        details: { hopLimit: 'no-preference' },
      },
      {
        name: 'both: IMDSv1 and the hop limit, one finding',
        record: modifyImdsDefaults({ HttpTokens: 'optional', HttpPutResponseHopLimit: 4 }),
        severity: 'high',
      },
    ],
    negative: [
      {
        name: 'IMDSv2 required with hop limit 1',
        expect: 'quiet',
        record: modifyImdsDefaults({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 }),
      },
      {
        name: 'the metadata endpoint disabled by default',
        expect: 'quiet',
        record: modifyImdsDefaults({ HttpTokens: 'optional', HttpEndpoint: 'disabled' }),
      },
      {
        name: 'hop limit 2 where the account maximum is 2',
        expect: 'quiet',
        record: modifyImdsDefaults({ HttpPutResponseHopLimit: 2 }),
        baseline: NO_PROFILES,
      },
      {
        name: 'only instance metadata tags changed',
        expect: 'quiet',
        record: modifyImdsDefaults({ InstanceMetadataTags: 'enabled' }),
      },
    ],
  },
  'cloudtrail.logging-impaired': {
    positive: [
      {
        name: 'StopLogging: critical, with restore-logging in the home region',
        record: trailCall('StopLogging', { name: 'org-trail' }),
        severity: 'critical',
        details: {
          trailName: 'org-trail',
          trailArn: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail`,
        },
        remediation: {
          action: 'restore-logging',
          mode: 'dry-run',
          status: 'proposed',
          params: {
            trailArn: `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/org-trail`,
            trailName: 'org-trail',
            region: 'eu-west-1',
          },
        },
      },
      {
        name: "StopLogging of the organisation trail by its ARN, from a delegated administrator's account",
        record: trailCall('StopLogging', {
          name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
        }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n    bucket: org-cloudtrail-logs\n',
        details: {
          trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
          region: 'us-east-1',
          baselinePath: 'trails[0]',
        },
        remediation: { params: { region: 'us-east-1' } },
      },
      {
        name: 'DeleteTrail: critical, nothing to restore automatically',
        record: trailCall('DeleteTrail', { name: 'org-trail' }),
        severity: 'critical',
      },
      {
        name: 'UpdateTrail to a single region',
        record: updateTrail('org-trail', { isMultiRegionTrail: false }),
        severity: 'critical',
        details: { impairments: [expect.stringMatching(/single-region/)] },
      },
      {
        name: 'UpdateTrail dropping global service events',
        record: updateTrail('org-trail', { includeGlobalServiceEvents: false }),
        severity: 'critical',
        details: { impairments: [expect.stringMatching(/global service events/)] },
      },
      {
        name: 'UpdateTrail moving the logs to another bucket than the baseline names',
        record: updateTrail('org-trail', { s3BucketName: 'attacker-sink', s3KeyPrefix: 'x' }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n    bucket: org-cloudtrail-logs\n',
        severity: 'critical',
        details: { impairments: [expect.stringMatching(/attacker-sink, not org-cloudtrail-logs/)] },
      },
      {
        name: 'UpdateTrail naming a bucket when the baseline names none for the trail: high, says it cannot tell',
        record: updateTrail('org-trail', { s3BucketName: 'org-cloudtrail-logs' }),
        severity: 'high',
      },
      {
        name: 'UpdateTrail turning an organisation trail into an account trail',
        record: updateTrail('org-trail', { isOrganizationTrail: false }),
        severity: 'critical',
      },
      {
        name: 'PutEventSelectors recording read-only management events (basic selectors)',
        record: putEventSelectors('org-trail', {
          eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true, dataResources: [] }],
        }),
        severity: 'critical',
        details: { selectors: 'basic', why: 'management events are recorded read-only' },
      },
      {
        name: 'PutEventSelectors with data events only (advanced selectors)',
        record: putEventSelectors('org-trail', {
          advancedEventSelectors: [
            {
              name: 'S3 writes',
              fieldSelectors: [
                { field: 'eventCategory', equals: ['Data'] },
                { field: 'resources.type', equals: ['AWS::S3::Object'] },
              ],
            },
          ],
        }),
        severity: 'critical',
        details: { selectors: 'advanced' },
      },
      {
        name: 'PutEventSelectors with an advanced management selector pinned to readOnly true',
        record: putEventSelectors('org-trail', {
          advancedEventSelectors: [
            {
              fieldSelectors: [
                { field: 'eventCategory', equals: ['Management'] },
                { field: 'readOnly', equals: ['true'] },
              ],
            },
          ],
        }),
        severity: 'critical',
      },
      {
        name: 'PutEventSelectors excluding KMS from management events: high, partial',
        record: putEventSelectors('org-trail', {
          eventSelectors: [
            {
              readWriteType: 'All',
              includeManagementEvents: true,
              excludeManagementEventSources: ['kms.amazonaws.com'],
            },
          ],
        }),
        severity: 'high',
        details: { limits: ['write management events of kms.amazonaws.com are excluded'] },
      },
      {
        name: 'PutInsightSelectors turning Insights off: medium',
        record: trailCall('PutInsightSelectors', { trailName: 'org-trail', insightSelectors: [] }),
        severity: 'medium',
      },
      {
        name: 'enforce mode from the baseline',
        record: trailCall('StopLogging', { name: 'org-trail' }),
        baseline: 'version: 1\nrules:\n  cloudtrail.logging-impaired:\n    mode: enforce\n',
        remediation: { action: 'restore-logging', mode: 'enforce', status: 'proposed' },
      },
    ],
    negative: [
      {
        name: 'UpdateTrail changing only the key prefix inside the same bucket',
        expect: 'quiet',
        record: updateTrail('org-trail', { s3KeyPrefix: 'audit/2026' }),
      },
      {
        name: 'UpdateTrail naming the same bucket as the baseline, with a new prefix',
        expect: 'quiet',
        record: updateTrail('org-trail', { s3BucketName: 'org-cloudtrail-logs', s3KeyPrefix: 'audit' }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n    bucket: org-cloudtrail-logs\n',
      },
      {
        name: 'UpdateTrail keeping the trail multi-region with global events',
        expect: 'quiet',
        record: updateTrail('org-trail', { isMultiRegionTrail: true, includeGlobalServiceEvents: true }),
      },
      {
        name: 'PutEventSelectors that keeps write management events and adds S3 data events',
        expect: 'quiet',
        record: putEventSelectors('org-trail', {
          eventSelectors: [
            {
              readWriteType: 'All',
              includeManagementEvents: true,
              dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3:::short-drama-assets/'] }],
            },
          ],
        }),
      },
      {
        name: 'advanced selectors: write-only management events, plus data events',
        expect: 'quiet',
        record: putEventSelectors('org-trail', {
          advancedEventSelectors: [
            {
              fieldSelectors: [
                { field: 'eventCategory', equals: ['Management'] },
                { field: 'readOnly', equals: ['false'] },
              ],
            },
            { fieldSelectors: [{ field: 'eventCategory', equals: ['Data'] }] },
          ],
        }),
      },
      {
        name: 'two selectors excluding different sources still record every write',
        expect: 'quiet',
        record: putEventSelectors('org-trail', {
          advancedEventSelectors: [
            {
              fieldSelectors: [
                { field: 'eventCategory', equals: ['Management'] },
                { field: 'eventSource', notEquals: ['kms.amazonaws.com'] },
              ],
            },
            {
              fieldSelectors: [
                { field: 'eventCategory', equals: ['Management'] },
                { field: 'eventSource', notEquals: ['rdsdata.amazonaws.com'] },
              ],
            },
          ],
        }),
      },
      {
        name: 'a trail the baseline does not name, when it names some',
        expect: 'quiet',
        record: trailCall('StopLogging', { name: 'sandbox-trail' }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n',
      },
      {
        name: 'PutInsightSelectors keeping an Insights type',
        expect: 'quiet',
        record: trailCall('PutInsightSelectors', {
          trailName: 'org-trail',
          insightSelectors: [{ insightType: 'ApiCallRateInsight' }],
        }),
      },
      {
        name: 'PutInsightSelectors on a CloudTrail Lake event data store, not a trail',
        expect: 'quiet',
        record: trailCall('PutInsightSelectors', {
          eventDataStore: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc',
          insightSelectors: [],
        }),
      },
      {
        name: 'StopLogging that failed',
        expect: { skipped: 'failed call (errorCode AccessDenied)' },
        record: trailCall('StopLogging', { name: 'org-trail' }, null, { errorCode: 'AccessDenied' }),
      },
    ],
  },
  'guardrail.tamper': {
    positive: [
      {
        name: 'DisableRule of an own EventBridge rule by an administrator',
        record: stackCall('DisableRule', 'events', { name: 'guardrail-prod-iam-events' }),
        severity: 'critical',
        details: { resourceType: 'rule', name: 'guardrail-prod-iam-events', change: 'disabled' },
      },
      {
        name: "DisableRule by a role named like guardrail's own (guardrail-*): judged whoever makes it",
        record: stackCall(
          'DisableRule',
          'events',
          { name: 'guardrail-prod-iam-events' },
          { userIdentity: assumedRole('guardrail-lookalike', 'intruder') },
        ),
        severity: 'critical',
        details: { resourceType: 'rule', name: 'guardrail-prod-iam-events', change: 'disabled' },
      },
      {
        name: 'DeleteRule of the rule on the central bus, named by the bus ARN',
        record: stackCall('DeleteRule', 'events', {
          name: 'guardrail-prod-ec2-forwarded',
          eventBusName: `arn:aws:events:eu-west-1:${ACCOUNT}:event-bus/guardrail-central`,
        }),
        details: { resourceType: 'rule', eventBus: 'guardrail-central', change: 'deleted' },
      },
      {
        name: 'PutRule replacing the pattern of an own rule',
        record: stackCall('PutRule', 'events', {
          name: 'guardrail-prod-tamper-events',
          eventPattern: '{"source":["aws.nothing"]}',
          state: 'ENABLED',
        }),
        details: { eventPattern: '{"source":["aws.nothing"]}' },
      },
      {
        name: 'RemoveTargets from an own rule',
        record: stackCall('RemoveTargets', 'events', { rule: 'guardrail-prod-iam-events', ids: ['1'] }),
        details: { targetIds: ['1'], change: 'stripped of targets' },
      },
      {
        name: 'UpdateFunctionCode20150331v2 (the versioned name) of an own function, by ARN',
        record: stackCall(
          'UpdateFunctionCode20150331v2',
          'lambda',
          { functionName: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:guardrail-prod-iam-events` },
          { responseElements: { codeSha256: 'n8xJ0v0u5rDT0bVHLsd9nZyAYBo4bqnJ7zgNq5gwtLM=' } },
        ),
        details: {
          resourceType: 'function',
          name: 'guardrail-prod-iam-events',
          codeSha256: 'n8xJ0v0u5rDT0bVHLsd9nZyAYBo4bqnJ7zgNq5gwtLM=',
        },
      },
      {
        name: 'UpdateFunctionConfiguration adding a layer, names the settings only',
        record: stackCall('UpdateFunctionConfiguration20150331v2', 'lambda', {
          functionName: 'guardrail-prod-ec2-events',
          environment: {},
          layers: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:layer:ext:1`],
        }),
        details: { settings: ['environment', 'layers'] },
      },
      {
        name: 'DeleteFunction20150331 of an own function by partial ARN with a qualifier',
        record: stackCall('DeleteFunction20150331', 'lambda', {
          functionName: `${ACCOUNT}:function:guardrail-prod-tamper-events:$LATEST`,
        }),
        details: { name: 'guardrail-prod-tamper-events', change: 'deleted' },
      },
      {
        name: 'PutFunctionConcurrency of 0: the function can no longer run',
        record: stackCall('PutFunctionConcurrency20171031', 'lambda', {
          functionName: 'guardrail-prod-iam-events',
          reservedConcurrentExecutions: 0,
        }),
        details: { change: 'throttled to 0: it can no longer run', reservedConcurrentExecutions: 0 },
      },
      {
        name: 'DeleteTopic of the findings topic',
        record: stackCall('DeleteTopic', 'sns', {
          topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardrail-prod-findings`,
        }),
        details: { resourceType: 'topic', name: 'guardrail-prod-findings' },
      },
      {
        name: 'Unsubscribe from the findings topic',
        record: stackCall('Unsubscribe', 'sns', {
          subscriptionArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardrail-prod-findings:0f6f3c4e-8d8e-4d3a-9c3e-2f1b0a9d8c7b`,
        }),
        details: {
          resourceType: 'subscription',
          topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardrail-prod-findings`,
        },
      },
      {
        name: "SetTopicAttributes on the findings topic: the attribute's name, never its value",
        record: stackCall('SetTopicAttributes', 'sns', {
          topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:guardrail-prod-findings`,
          attributeName: 'Policy',
          attributeValue: '{"Statement":[]}',
        }),
        details: { attributeName: 'Policy' },
      },
      {
        name: 'DeleteQueue of the dead-letter queue',
        record: stackCall('DeleteQueue', 'sqs', {
          queueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/guardrail-prod-undelivered-events`,
        }),
        details: {
          resourceType: 'queue',
          name: 'guardrail-prod-undelivered-events',
        },
      },
      {
        name: 'DeleteTable of the idempotency table',
        record: stackCall('DeleteTable', 'dynamodb', { tableName: 'guardrail-prod-idempotency' }),
        details: { resourceType: 'table', name: 'guardrail-prod-idempotency' },
      },
      {
        name: 'a change by a principal that is not among the deployers the baseline names',
        record: stackCall(
          'DisableRule',
          'events',
          { name: 'guardrail-prod-iam-events' },
          { userIdentity: identities.developer },
        ),
        baseline: 'version: 1\nguardrail:\n  deployers: ["arn:aws:iam::*:role/ci-deploy"]\n',
        details: { deployers: ['arn:aws:iam::*:role/ci-deploy'] },
      },
      {
        name: "another stack prefix from the baseline's guardrail.resourcePrefix",
        record: stackCall('DeleteFunction20150331', 'lambda', { functionName: 'watchtower-prod-iam-events' }),
        baseline: 'version: 1\nguardrail:\n  resourcePrefix: watchtower\n',
        details: { resourcePrefix: 'watchtower' },
      },
    ],
    negative: [
      {
        name: 'a deployment: the caller is a role the baseline names in guardrail.deployers',
        expect: 'quiet',
        record: stackCall(
          'PutRule',
          'events',
          { name: 'guardrail-prod-iam-events', eventPattern: '{}' },
          { userIdentity: assumedRole('ci-deploy', 'github-actions-1234') },
        ),
        baseline: 'version: 1\nguardrail:\n  deployers: ["arn:aws:iam::*:role/ci-deploy"]\n',
      },
      {
        name: 'a reserved concurrency above 0',
        expect: 'quiet',
        record: stackCall('PutFunctionConcurrency20171031', 'lambda', {
          functionName: 'guardrail-prod-iam-events',
          reservedConcurrentExecutions: 5,
        }),
      },
      {
        name: "a rule that is not guardrail's",
        expect: 'quiet',
        record: stackCall('DisableRule', 'events', { name: 'nightly-backup' }),
      },
      {
        name: "another application's function",
        expect: 'quiet',
        record: stackCall('DeleteFunction20150331', 'lambda', { functionName: 'image-generator-resize' }),
      },
      {
        name: 'a DisableRule that failed',
        expect: { skipped: 'failed call (errorCode AccessDeniedException)' },
        record: stackCall(
          'DisableRule',
          'events',
          { name: 'guardrail-prod-iam-events' },
          { errorCode: 'AccessDeniedException' },
        ),
      },
    ],
  },
  'iam.policy.never-grant': {
    positive: [
      {
        name: 'inline: iam:PassRole on * put on a seed role',
        record: putRolePolicy(
          'XploreEC2Role',
          'pass',
          doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
        ),
        severity: 'critical',
        details: {
          path: 'inline',
          neverGrant: ['neverGrant[0] (NoPassRoleOnStar)'],
          gainedBy: [{ principal: 'role XploreEC2Role', baselinePath: 'roles.XploreEC2Role' }],
          violations: [
            { neverGrant: 'neverGrant[0]', action: 'iam:PassRole', resource: '*', statement: 'Statement[0]' },
          ],
        },
      },
      {
        name: 'inline: a role the baseline does not know, allowed to schedule key deletion through kms:*',
        record: putRolePolicy(
          'build-runner',
          'kms',
          doc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }),
        ),
        details: {
          neverGrant: ['neverGrant[2] (NoKeyDeletion)'],
          gainedBy: [{ principal: 'role build-runner', baselinePath: null }],
          violations: expect.arrayContaining([
            expect.objectContaining({ action: 'kms:ScheduleKeyDeletion', resource: '*' }),
          ]),
        },
      },
      {
        name: "inline: s3:DeleteBucket on a seed's bucket through a bucket wildcard",
        record: putUserPolicy(
          'chatbot-dev-alice',
          'cleanup',
          doc({ Effect: 'Allow', Action: 's3:Delete*', Resource: 'arn:aws:s3:::kdcube-*' }),
        ),
        details: {
          path: 'inline',
          neverGrant: ['neverGrant[1] (NoSeedBucketDeletion)'],
          violations: expect.arrayContaining([
            expect.objectContaining({ action: 's3:DeleteBucket', resource: 'arn:aws:s3:::kdcube-*' }),
          ]),
        },
      },
      {
        name: 'managed: AdministratorAccess attached to a seed role breaks every never-grant statement',
        record: attachPolicy('Role', 'XploreEC2Role', ADMINISTRATOR_ACCESS),
        details: {
          path: 'managed',
          policyArn: ADMINISTRATOR_ACCESS,
          neverGrant: [
            'neverGrant[0] (NoPassRoleOnStar)',
            'neverGrant[1] (NoSeedBucketDeletion)',
            'neverGrant[2] (NoKeyDeletion)',
            'neverGrant[3] (NoTrailTampering)',
            'neverGrant[4] (NoLeavingOrganization)',
          ],
        },
      },
      ...real(
        'stratus-red-team AdministratorAccess attached to a role the baseline does not know',
        STRATUS_ADMIN_ROLE,
        {
          details: { path: 'managed', policyArn: ADMINISTRATOR_ACCESS, gainedBy: [{ baselinePath: null }] },
        },
      ),
      {
        name: 'managed: a policy the role may carry is still judged (its document, learnt from the trail, passes any role)',
        trail: [
          createPolicy(
            'ImageGeneratorS3Access',
            doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
        details: {
          path: 'managed',
          documents: [`${policyArn('ImageGeneratorS3Access')} (v1)`],
          violations: expect.arrayContaining([
            expect.objectContaining({ action: 'iam:PassRole', resource: '*' }),
          ]),
        },
      },
      {
        name: 'policy-version: a new default version of a seed policy that may delete its bucket',
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({
            Effect: 'Allow',
            Action: 's3:*',
            Resource: ['arn:aws:s3:::short-drama-assets', 'arn:aws:s3:::short-drama-assets/*'],
          }),
          'v2',
          true,
        ),
        details: {
          path: 'policy-version',
          gainedBy: [{ principal: 'role ImageGeneratorEC2Role' }],
          violations: expect.arrayContaining([
            expect.objectContaining({
              action: 's3:DeleteBucket',
              resource: 'arn:aws:s3:::short-drama-assets',
            }),
          ]),
        },
      },
      {
        name: 'policy-version: SetDefaultPolicyVersion back to a version that passes any role',
        trail: [
          createPolicy(
            'Reports',
            doc({ Effect: 'Allow', Action: ['s3:GetObject', 'iam:PassRole'], Resource: '*' }),
            EARLIER,
          ),
          createPolicyVersion(
            policyArn('Reports'),
            doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }),
            'v2',
            true,
            EARLIER,
          ),
          attachPolicy('User', 'bob', policyArn('Reports'), EARLIER),
        ],
        record: setDefaultPolicyVersion(policyArn('Reports'), 'v1'),
        baseline: PATHS_NEVER_GRANT,
        details: {
          path: 'policy-version',
          versionId: 'v1',
          violations: expect.arrayContaining([
            expect.objectContaining({ action: 'iam:PassRole', resource: '*' }),
          ]),
        },
      },
      {
        name: 'group: a user joins a group whose policy (seen in the trail) may leave the organisation',
        trail: [
          createGroup('ops', EARLIER),
          putGroupPolicy(
            'ops',
            'ops-admin',
            doc({ Effect: 'Allow', Action: 'organizations:*', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: addUserToGroup('bob', 'ops'),
        baseline: PATHS_NEVER_GRANT,
        details: {
          path: 'group',
          groupName: 'ops',
          violations: expect.arrayContaining([
            expect.objectContaining({ action: 'organizations:LeaveOrganization' }),
          ]),
        },
      },
      {
        name: 'group: a baseline group the user may join is still judged',
        trail: [
          createGroup('analysts', EARLIER),
          putGroupPolicy(
            'analysts',
            'escape',
            doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
            EARLIER,
          ),
        ],
        record: addUserToGroup('alice', 'analysts'),
        baseline: PATHS_NEVER_GRANT,
        details: {
          path: 'group',
          groupName: 'analysts',
          violations: expect.arrayContaining([expect.objectContaining({ action: 'iam:PassRole' })]),
        },
      },
      {
        name: 'a conditioned Allow counts as its unconditioned self',
        record: putRolePolicy(
          'XploreEC2Role',
          'pass',
          doc({
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: '*',
            Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
          }),
        ),
        details: {
          violations: expect.arrayContaining([expect.objectContaining({ action: 'iam:PassRole' })]),
        },
      },
    ],
    negative: [
      {
        name: 'the baseline names no neverGrant statement',
        record: putRolePolicy(
          'XploreEC2Role',
          'pass',
          doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
        ),
        baseline: 'version: 1\n',
        expect: 'quiet',
      },
      {
        name: "s3:DeleteBucket on a bucket that is not a seed's",
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc({ Effect: 'Allow', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::scratch-bucket' }),
        ),
        expect: 'quiet',
      },
      {
        name: 'object deletion in a seed bucket is not bucket deletion',
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc({
            Effect: 'Allow',
            Action: 's3:DeleteObject',
            Resource: 'arn:aws:s3:::xplore-face-auth-refs/*',
          }),
        ),
        expect: 'quiet',
      },
      {
        name: 'the document denies what it allows',
        record: putRolePolicy(
          'XploreEC2Role',
          'p',
          doc(
            { Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' },
            { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' },
          ),
        ),
        expect: 'quiet',
      },
      {
        name: 'CreatePolicy: a new policy grants nobody anything until attached',
        record: createPolicy('Escape', doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' })),
        expect: 'quiet',
      },
      {
        name: 'a policy version that is not made the default',
        record: createPolicyVersion(
          policyArn('ImageGeneratorS3Access'),
          doc({ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }),
          'v3',
          false,
        ),
        expect: 'quiet',
      },
      {
        name: "seed 000's own policy attached to its role",
        trail: [createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, EARLIER)],
        record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
        expect: 'quiet',
      },
      {
        name: 'a read-only AWS managed policy on a role the baseline does not know',
        record: attachPolicy('Role', 'build-runner', S3_READ_ONLY),
        expect: 'quiet',
      },
    ],
  },
};
