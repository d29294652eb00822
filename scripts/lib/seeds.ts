/**
 * The five seed systems (../shared/seeds/): the events their own instructions produce, which must give no
 * finding against infra/baseline.example.yml, and drifted variants with the rule ids they must give.
 */
import { runInstances } from './ec2Records.ts';
import type { Json } from './records.ts';
import {
  ACCOUNT,
  assumedRole,
  attachPolicy,
  createAccessKey,
  createPolicy,
  createPolicyVersion,
  createRole,
  createUser,
  identities,
  loginProfile,
  modifyImds,
  policyArn,
  putRolePolicy,
  putUserPolicy,
  serviceTrust,
  updateAssumeRolePolicy,
} from './records.ts';

/** Instance ids the seed events name; the demo maps them onto the instances it launches. */
export const SEED_INSTANCES = {
  imageGenerator: 'i-1234567890abcdef0',
  kdcube: 'i-0a1b2c3d4e5f60718',
  xplore: 'i-0f1e2d3c4b5a69788',
} as const;

/**
 * The tags the seed instances carry in the account (the demo launches them so): seed 002's KDCube host is
 * tagged for the baseline's `kdcube-containers` IMDS profile (hop limit 2), the others match no profile
 * (hop limit 1). The Lambda reads them with DescribeInstances; the seed tests hand them over as that fact.
 */
export const SEED_INSTANCE_TAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [SEED_INSTANCES.imageGenerator]: { Name: 'image-generator' },
  [SEED_INSTANCES.kdcube]: { Name: 'kdcube', 'guardrail:imds-profile': 'containers' },
  [SEED_INSTANCES.xplore]: { Name: 'xplore-face-auth' },
};

/** The systems by seed number, as people call them (user-facing output names these, never the numbers). */
export const SEED_SYSTEMS: Readonly<Record<string, string>> = {
  '000': 'image generator',
  '001': 'Xplore',
  '002': 'KDCube',
  '003': 'CML Manager',
  '004': 'AIModelShare',
};

/** The access key id seed key events name (createAccessKey's default); the demo maps it onto the key it makes. */
export const SEED_KEY_ID = 'AKIAEXAMPLENEWKEY001';

export interface SeedCase {
  readonly seed: string;
  readonly name: string;
  readonly record: Json;
  /** Rule ids expected above `info`, sorted; empty means the event is clean (nothing worth a notification). */
  readonly expect: readonly string[];
  /** Rule ids of `info` findings: in every report, below any notification threshold (an approved user's key). */
  readonly info?: readonly string[];
  /** The seed's earlier calls, learned before the record is judged (its create-policy before the attach). */
  readonly trail?: readonly Json[];
}

/** An IAM policy document as JSON, the way the seeds' instructions write one. */
export type PolicyJson = {
  readonly Version: '2012-10-17';
  readonly Statement: readonly StatementJson[];
};
export type StatementJson = {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
};

/**
 * The seed systems' role policies as their instructions put them, written once: the seed events below put
 * them, the demo replays those events, and test/unit/baseline.test.ts holds infra/baseline.example.yml's role
 * envelopes to them.
 */
export const SEED_POLICIES = {
  /** Seed 000: ImageGeneratorEC2Role's ImageGeneratorS3Access. */
  imageGenerator: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::short-drama-assets', 'arn:aws:s3:::short-drama-assets/*'],
      },
    ],
  },
  /** Seed 001: XploreEC2Role's XploreS3Access. */
  xplore: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::xplore-face-auth-refs', 'arn:aws:s3:::xplore-face-auth-refs/*'],
      },
      {
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:xplore/*',
      },
    ],
  },
  /** Seed 002: the KDCube role's S3 policy (the seed's <BUCKET_NAME> made concrete: kdcube-storage). */
  kdcube: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BucketLevel',
        Effect: 'Allow',
        Action: [
          's3:ListBucket',
          's3:GetBucketLocation',
          's3:ListBucketMultipartUploads',
          's3:ListBucketVersions',
        ],
        Resource: 'arn:aws:s3:::kdcube-storage',
      },
      {
        Sid: 'ObjectLevel',
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:GetObjectTagging',
          's3:PutObjectTagging',
          's3:AbortMultipartUpload',
          's3:GetObjectVersion',
          's3:DeleteObjectVersion',
        ],
        Resource: 'arn:aws:s3:::kdcube-storage/*',
      },
    ],
  },
  /** Seed 002: what the role adds when the bucket uses SSE-KMS (the seed's <KEY_ID> left open: key/*). */
  kdcubeKms: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BucketKey',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
      },
    ],
  },
  /** Seed 004: aimodelshare-lambda-exec-policy, S3 scoped to the aimodelshare* buckets. */
  aimodelshareScoped: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'],
        Resource: ['arn:aws:s3:::aimodelshare*', 'arn:aws:s3:::aimodelshare*/*'],
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: 'arn:aws:logs:*:*:*',
      },
    ],
  },
  /** Seed 003: CMLWorkerManagementPolicy, exactly as its document writes it. */
  cml: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'EC2InstanceManagement',
        Effect: 'Allow',
        Action: [
          'ec2:RunInstances',
          'ec2:StartInstances',
          'ec2:StopInstances',
          'ec2:TerminateInstances',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
          'ec2:DescribeImages',
          'ec2:DescribeRegions',
        ],
        Resource: '*',
      },
      {
        Sid: 'EC2TagManagement',
        Effect: 'Allow',
        Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:DescribeTags'],
        Resource: '*',
      },
      {
        Sid: 'CloudWatchMetricsRead',
        Effect: 'Allow',
        Action: ['cloudwatch:GetMetricStatistics'],
        Resource: '*',
      },
    ],
  },
  /** Seed 002: the minimal policy of a chatbot-dev-* local development user, with its SSE-KMS statement. */
  kdcubeDev: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'BucketLevel',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:GetBucketLocation'],
        Resource: 'arn:aws:s3:::kdcube-storage',
      },
      {
        Sid: 'ObjectLevel',
        Effect: 'Allow',
        Action: [
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:AbortMultipartUpload',
          's3:ListBucketMultipartUploads',
          's3:ListMultipartUploadParts',
        ],
        Resource: 'arn:aws:s3:::kdcube-storage/*',
      },
      {
        Sid: 'BucketKey',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
      },
    ],
  },
  /** Seed 004: the per-run roles' old policy, which the consolidation removed. */
  aimodelshareLegacy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  },
} as const satisfies Record<string, PolicyJson>;

const imageGeneratorPolicy = SEED_POLICIES.imageGenerator;
const ec2Trust = serviceTrust('ec2.amazonaws.com');
const xplorePolicy = SEED_POLICIES.xplore;
const kdcubePolicy = SEED_POLICIES.kdcube;
const aimodelshareScoped = SEED_POLICIES.aimodelshareScoped;
const aimodelshareLegacy = SEED_POLICIES.aimodelshareLegacy;

const ephemeralUser = 'temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f6789';

const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
/**
 * What AdministratorAccess attached to any seed principal gives: access outside it, `*` on `*`, escalation, and
 * what the example baseline never grants anyone (passing any role, deleting the seeds' buckets...).
 */
const ADMIN = ['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.privesc', 'iam.policy.wildcard'];

const cmlPolicy = SEED_POLICIES.cml;
const kdcubeDevPolicy = SEED_POLICIES.kdcubeDev;

// Seed 000: `aws iam create-policy --policy-name ImageGeneratorS3Access`, then `attach-role-policy`.
const createImageGeneratorPolicy = createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy, {
  eventTime: '2026-11-20T10:10:00Z',
});
const createCmlPolicy = createPolicy('CMLWorkerManagementPolicy', cmlPolicy, {
  eventTime: '2026-11-20T10:10:00Z',
});
const createDevPolicy = createPolicy('kdcube-dev-bucket-access', kdcubeDevPolicy, {
  eventTime: '2026-11-20T10:10:00Z',
});

export const SEED_CASES: readonly SeedCase[] = [
  // Seed 000: image generator, S3 only.
  {
    seed: '000',
    name: 'create-role ImageGeneratorEC2Role with the EC2 trust policy of the seed',
    record: createRole('ImageGeneratorEC2Role', ec2Trust),
    expect: [],
  },
  {
    seed: '000',
    name: 'the seed policy as an inline policy',
    record: putRolePolicy('ImageGeneratorEC2Role', 'ImageGeneratorS3Access', imageGeneratorPolicy),
    expect: [],
  },
  {
    seed: '000',
    name: 'bucket policy rights added',
    record: putRolePolicy('ImageGeneratorEC2Role', 'ImageGeneratorS3Access', {
      Version: '2012-10-17',
      Statement: [
        ...imageGeneratorPolicy.Statement,
        { Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: 'arn:aws:s3:::short-drama-assets' },
      ],
    }),
    expect: ['iam.policy.drift'],
  },
  {
    seed: '000',
    name: 'grown to s3:* on *',
    record: putRolePolicy('ImageGeneratorEC2Role', 'ImageGeneratorS3Access', {
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    }),
    expect: ['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.wildcard'],
  },
  {
    seed: '000',
    name: 'create-policy ImageGeneratorS3Access as documented',
    record: createImageGeneratorPolicy,
    expect: [],
  },
  {
    seed: '000',
    name: 'attach-role-policy ImageGeneratorS3Access to ImageGeneratorEC2Role, after its create-policy',
    trail: [createImageGeneratorPolicy],
    record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
    expect: [],
  },
  {
    seed: '000',
    name: 'attach-role-policy alone: the baseline lets the role carry it',
    record: attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
    expect: [],
  },
  {
    seed: '000',
    name: 'ImageGeneratorS3Access rewritten to s3:* by a new default version',
    trail: [createImageGeneratorPolicy],
    record: createPolicyVersion(
      policyArn('ImageGeneratorS3Access'),
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      'v2',
      true,
    ),
    expect: ['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.wildcard'],
  },
  {
    seed: '000',
    name: 'AdministratorAccess attached to ImageGeneratorEC2Role',
    record: attachPolicy('Role', 'ImageGeneratorEC2Role', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '000',
    name: 'instance flipped back to IMDSv1',
    record: modifyImds(
      SEED_INSTANCES.imageGenerator,
      { HttpTokens: 'optional' },
      { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
    ),
    expect: ['ec2.imds.v1-allowed'],
  },

  // Seed 001: Xplore, `aws iam put-role-policy --role-name XploreEC2Role --policy-name XploreS3Access`.
  {
    seed: '001',
    name: 'create-role XploreEC2Role as documented',
    record: createRole('XploreEC2Role', ec2Trust),
    expect: [],
  },
  {
    seed: '001',
    name: 'trust opened to another account (update-assume-role-policy)',
    record: updateAssumeRolePolicy('XploreEC2Role', {
      Version: '2012-10-17',
      Statement: [
        ...(ec2Trust.Statement as unknown[]),
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::193672423079:root' }, Action: 'sts:AssumeRole' },
      ],
    }),
    expect: ['iam.role.trust'],
  },
  {
    seed: '001',
    name: 'put-role-policy XploreS3Access as documented',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', xplorePolicy),
    expect: [],
  },
  {
    seed: '001',
    name: 'same policy reordered, string instead of list, mixed case actions',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Secrets',
          Effect: 'Allow',
          Action: 'SecretsManager:GetSecretValue',
          Resource: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:xplore/*'],
        },
        {
          Effect: 'Allow',
          Action: ['s3:listbucket', 's3:PutObject', 's3:GetObject', 's3:GetObject'],
          Resource: ['arn:aws:s3:::xplore-face-auth-refs/*', 'arn:aws:s3:::xplore-face-auth-refs'],
        },
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
      ],
    }),
    expect: [],
  },
  {
    seed: '001',
    name: 'narrower: one user prefix only',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::xplore-face-auth-refs/users/alice/*',
      },
    }),
    expect: [],
  },
  {
    seed: '001',
    name: 'all secrets instead of xplore/*',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Version: '2012-10-17',
      Statement: [
        ...xplorePolicy.Statement.slice(0, 1),
        { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' },
      ],
    }),
    expect: ['iam.policy.drift'],
  },
  {
    seed: '001',
    name: 'AdministratorAccess attached to XploreEC2Role',
    record: attachPolicy('Role', 'XploreEC2Role', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '001',
    name: 'PassRole added',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Version: '2012-10-17',
      Statement: [...xplorePolicy.Statement, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    }),
    expect: ['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.privesc', 'iam.policy.wildcard'],
  },

  {
    seed: '001',
    name: 'run-instances as documented, no metadata options: EC2 launched it accepting IMDSv1',
    record: runInstances(
      [
        {
          id: SEED_INSTANCES.xplore,
          metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
          tags: SEED_INSTANCE_TAGS[SEED_INSTANCES.xplore] ?? {},
        },
      ],
      { tags: SEED_INSTANCE_TAGS[SEED_INSTANCES.xplore] ?? {} },
      { awsRegion: 'us-east-1' },
    ),
    expect: ['ec2.imds.v1-allowed'],
  },
  {
    seed: '001',
    name: 'run-instances with --metadata-options HttpTokens=required,HttpEndpoint=enabled',
    record: runInstances(
      [
        {
          id: SEED_INSTANCES.xplore,
          metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
          tags: SEED_INSTANCE_TAGS[SEED_INSTANCES.xplore] ?? {},
        },
      ],
      {
        metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
        tags: SEED_INSTANCE_TAGS[SEED_INSTANCES.xplore] ?? {},
      },
      { awsRegion: 'us-east-1' },
    ),
    expect: [],
  },

  // Seed 002: KDCube, IMDSv2 with hop limit 2 for containers, chatbot-dev-* users.
  {
    seed: '002',
    name: 'modify-instance-metadata-options --http-tokens required --http-put-response-hop-limit 2',
    record: modifyImds(
      SEED_INSTANCES.kdcube,
      { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    ),
    expect: [],
  },
  {
    seed: '002',
    name: 'the documented role policy',
    record: putRolePolicy('kdcube-ec2-role', 'kdcube-s3', kdcubePolicy),
    expect: [],
  },
  {
    seed: '002',
    name: 'the instance role <ROLE_NAME>, trusted by EC2',
    record: createRole('kdcube-ec2-role', ec2Trust),
    expect: [],
  },
  { seed: '002', name: 'a local development user', record: createUser('chatbot-dev-alice'), expect: [] },
  {
    seed: '002',
    name: 'its access key, made by DevOps',
    record: createAccessKey('chatbot-dev-alice'),
    expect: [],
    info: ['iam.accesskey.long-lived'],
  },
  {
    seed: '002',
    name: 'a console password for the programmatic-only dev user',
    record: loginProfile('CreateLoginProfile', 'chatbot-dev-alice'),
    expect: ['iam.user.console-access'],
  },
  { seed: '002', name: 'the dev-user policy created', record: createDevPolicy, expect: [] },
  {
    seed: '002',
    name: 'the dev-user policy attached to a chatbot-dev user',
    trail: [createDevPolicy],
    record: attachPolicy('User', 'chatbot-dev-alice', policyArn('kdcube-dev-bucket-access')),
    expect: [],
  },
  {
    seed: '002',
    name: 'the same policy put inline on a chatbot-dev user',
    record: putUserPolicy('chatbot-dev-bob', 'kdcube-s3', kdcubeDevPolicy),
    expect: [],
  },
  {
    seed: '002',
    name: 'AdministratorAccess attached to a chatbot-dev user',
    record: attachPolicy('User', 'chatbot-dev-alice', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '002',
    name: 'AdministratorAccess attached to kdcube-ec2-role',
    record: attachPolicy('Role', 'kdcube-ec2-role', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '002',
    name: 'hop limit raised to 5',
    record: modifyImds(
      SEED_INSTANCES.kdcube,
      { HttpPutResponseHopLimit: 5 },
      { httpTokens: 'required', httpPutResponseHopLimit: 5, httpEndpoint: 'enabled' },
    ),
    expect: ['ec2.imds.hop-limit'],
  },
  {
    seed: '002',
    name: 'IMDSv1 back on with hop limit 3 (no response elements: the request alone decides): one finding for both',
    record: modifyImds(SEED_INSTANCES.kdcube, { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
    expect: ['ec2.imds.v1-allowed'],
  },

  // Seed 003: CML Cloud Manager service user with access keys (approved, rotated every 90 days).
  {
    seed: '003',
    name: 'create the service user',
    record: createUser('cml-cloud-manager-service'),
    expect: [],
  },
  {
    seed: '003',
    name: 'generate its access keys',
    record: createAccessKey('cml-cloud-manager-service'),
    expect: [],
    info: ['iam.accesskey.long-lived'],
  },
  {
    seed: '003',
    name: 'the service user rotating its own key',
    record: createAccessKey(undefined, {
      userIdentity: identities.cmlService,
      accessKeyId: 'AKIAEXAMPLEROTATED01',
    }),
    expect: [],
    info: ['iam.accesskey.long-lived'],
  },
  {
    seed: '003',
    name: 'a console password on the programmatic-only service user',
    record: loginProfile('CreateLoginProfile', 'cml-cloud-manager-service'),
    expect: ['iam.user.console-access'],
  },
  {
    seed: '003',
    name: 'another user adds a second key to the service user',
    record: createAccessKey('cml-cloud-manager-service', {
      userIdentity: identities.intern,
      accessKeyId: 'AKIAEXAMPLEBACKDOOR1',
    }),
    expect: ['iam.accesskey.long-lived'],
  },
  { seed: '003', name: 'create the policy CMLWorkerManagementPolicy', record: createCmlPolicy, expect: [] },
  {
    seed: '003',
    name: 'attach it to the service user',
    trail: [createCmlPolicy],
    record: attachPolicy('User', 'cml-cloud-manager-service', policyArn('CMLWorkerManagementPolicy')),
    expect: [],
  },
  {
    seed: '003',
    name: 'a new default version of its policy adds iam:PassRole on *',
    trail: [
      createCmlPolicy,
      attachPolicy('User', 'cml-cloud-manager-service', policyArn('CMLWorkerManagementPolicy')),
    ],
    record: createPolicyVersion(
      policyArn('CMLWorkerManagementPolicy'),
      {
        ...cmlPolicy,
        Statement: [...cmlPolicy.Statement, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
      },
      'v2',
      true,
    ),
    expect: ADMIN,
  },
  {
    seed: '003',
    name: 'AdministratorAccess attached to the service user',
    record: attachPolicy('User', 'cml-cloud-manager-service', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '003',
    name: 'the service user creates another user',
    record: createUser('cml-worker-backdoor', { userIdentity: identities.cmlService }),
    expect: ['iam.user.unexpected'],
  },
  {
    seed: '003',
    name: 'a key for an unknown user',
    record: createAccessKey('cml-admin'),
    expect: ['iam.accesskey.long-lived'],
  },

  // Seed 004: AIModelShare's consolidated roles, and the deprecated per-run users.
  ...(
    [
      ['aimodelshare-lambda-exec', 'lambda.amazonaws.com'],
      ['aimodelshare-codebuild-role', 'codebuild.amazonaws.com'],
      ['aimodelshare-api-lambda-role', 'lambda.amazonaws.com'],
      ['aimodelshare-apigw-invoke-role', 'apigateway.amazonaws.com'],
    ] as const
  ).map(([role, service]) => ({
    seed: '004',
    name: `ensure_role ${role}, trusted by ${service}`,
    record: createRole(role, serviceTrust(service), { userIdentity: identities.aimodelshareAutomation }),
    expect: [],
  })),
  {
    seed: '004',
    name: 'the execution role (AIMODELSHARE_EXECUTION_ROLE_ARN), trusted by the automation user',
    record: createRole('aimodelshare-execution-role', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/aimodelshare-admin` },
          Action: 'sts:AssumeRole',
        },
      ],
    }),
    expect: [],
  },
  {
    seed: '004',
    name: 'an old per-run role created again',
    record: createRole('lambda_role_7f3a9c', serviceTrust('lambda.amazonaws.com'), {
      userIdentity: identities.aimodelshareAutomation,
    }),
    expect: ['iam.role.unexpected'],
  },
  {
    seed: '004',
    name: 'ensure_inline_policy on aimodelshare-lambda-exec',
    record: putRolePolicy('aimodelshare-lambda-exec', 'aimodelshare-lambda-exec-policy', aimodelshareScoped),
    expect: [],
  },
  {
    seed: '004',
    name: 'codebuild role with its scoped S3 statement',
    record: putRolePolicy('aimodelshare-codebuild-role', 'aimodelshare-codebuild-policy', {
      Version: '2012-10-17',
      Statement: aimodelshareScoped.Statement,
    }),
    expect: [],
  },
  {
    seed: '004',
    name: 'ensure_managed_policy + attach_managed_policy_to_role for the Lambda execution role',
    trail: [
      createPolicy('aimodelshare-lambda-exec-policy', aimodelshareScoped, {
        eventTime: '2026-11-20T10:10:00Z',
      }),
    ],
    record: attachPolicy('Role', 'aimodelshare-lambda-exec', policyArn('aimodelshare-lambda-exec-policy')),
    expect: [],
  },
  {
    seed: '004',
    name: 'AdministratorAccess attached to the API Gateway invocation role',
    record: attachPolicy('Role', 'aimodelshare-apigw-invoke-role', ADMINISTRATOR_ACCESS),
    expect: ADMIN,
  },
  {
    seed: '004',
    name: 'the old s3:* on * policy comes back',
    record: putRolePolicy('aimodelshare-lambda-exec', 'aimodelshare-lambda-exec-policy', aimodelshareLegacy),
    expect: ['iam.policy.drift', 'iam.policy.never-grant', 'iam.policy.wildcard'],
  },
  {
    seed: '004',
    name: 'an old per-run role outside the four consolidated ones',
    record: putRolePolicy('lambda_role_7f3a9c', 'lambda_policy_7f3a9c', aimodelshareLegacy),
    expect: ['iam.policy.never-grant', 'iam.policy.no-baseline', 'iam.policy.wildcard'],
  },
  {
    seed: '004',
    name: 'deprecated path: per-run user',
    record: createUser(ephemeralUser, { userIdentity: identities.aimodelshareAutomation }),
    expect: ['iam.user.ephemeral'],
  },
  {
    seed: '004',
    name: 'deprecated path: keys for the per-run user',
    record: createAccessKey(ephemeralUser, { userIdentity: identities.aimodelshareAutomation }),
    expect: ['iam.accesskey.long-lived'],
  },
  {
    seed: '004',
    name: 'a near-miss name (31 hex chars) is not ephemeral',
    record: createUser('temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f678'),
    expect: ['iam.user.unexpected'],
  },
  {
    seed: '004',
    name: "a per-run user made by a role named like guardrail's own: judged like anyone's",
    record: createUser(ephemeralUser, { userIdentity: assumedRole('guardrail-prod-remediator', 'sweep') }),
    expect: ['iam.user.ephemeral'],
  },
];
