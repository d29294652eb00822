/**
 * The five seed systems (../shared/seeds/): the events their own instructions produce, which must give no
 * finding against infra/baseline.example.yml, and drifted variants with the rule ids they must give.
 */
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

/** Instance ids the seed events name; the demo maps them onto the instances it launches. */
export const SEED_INSTANCES = {
  imageGenerator: 'i-1234567890abcdef0',
  kdcube: 'i-0a1b2c3d4e5f60718',
} as const;

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
}

const ec2Trust = serviceTrust('ec2.amazonaws.com');

const imageGeneratorPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::short-drama-assets', 'arn:aws:s3:::short-drama-assets/*'],
    },
  ],
};

const xplorePolicy = {
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
};

const kdcubePolicy = {
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
};

const aimodelshareScoped = {
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
};

const aimodelshareLegacy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
};

const ephemeralUser = 'temporaryaccessAImodelshare0a1b2c3d4e5f67890a1b2c3d4e5f6789';

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
    expect: ['iam.policy.drift', 'iam.policy.wildcard'],
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
    name: 'PassRole added',
    record: putRolePolicy('XploreEC2Role', 'XploreS3Access', {
      Version: '2012-10-17',
      Statement: [...xplorePolicy.Statement, { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    }),
    expect: ['iam.policy.drift', 'iam.policy.privesc', 'iam.policy.wildcard'],
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
    name: 'IMDSv1 back on (no response elements: the request alone decides)',
    record: modifyImds(SEED_INSTANCES.kdcube, { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
    expect: ['ec2.imds.hop-limit', 'ec2.imds.v1-allowed'],
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
    name: 'the old s3:* on * policy comes back',
    record: putRolePolicy('aimodelshare-lambda-exec', 'aimodelshare-lambda-exec-policy', aimodelshareLegacy),
    expect: ['iam.policy.drift', 'iam.policy.wildcard'],
  },
  {
    seed: '004',
    name: 'an old per-run role outside the four consolidated ones',
    record: putRolePolicy('lambda_role_7f3a9c', 'lambda_policy_7f3a9c', aimodelshareLegacy),
    expect: ['iam.policy.no-baseline', 'iam.policy.wildcard'],
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
    name: "guardrail's own role tags nothing twice: its events are skipped",
    record: createUser(ephemeralUser, { userIdentity: assumedRole('guardrail-prod-remediator', 'sweep') }),
    expect: [],
  },
];
