/**
 * Hand-made cases per rule: each rule needs at least one positive case (it fires) and one negative case (it
 * stays quiet); test/meta/rules.test.ts checks that. Records follow the real CloudTrail shape.
 */

import { expect } from 'vitest';
import type { RuleId, Severity } from '../../src/core/types.ts';
import type { Json } from '../helpers/records.ts';
import {
  ACCOUNT,
  assumedRole,
  createAccessKey,
  createUser,
  identities,
  modifyImds,
  putEventSelectors,
  putRolePolicy,
  stackCall,
  trailCall,
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
  readonly remediation?: Json;
}

export interface RuleCases {
  readonly positive: readonly RuleCase[];
  readonly negative: readonly RuleCase[];
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
        record: createAccessKey('cml-cloud-manager-service'),
      },
      { name: 'seed 002 dev user, keys allowed', record: createAccessKey('chatbot-dev-dana') },
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
        record: updateTrail('org-trail', { s3KeyPrefix: 'audit/2026' }),
      },
      {
        name: 'UpdateTrail naming the same bucket as the baseline, with a new prefix',
        record: updateTrail('org-trail', { s3BucketName: 'org-cloudtrail-logs', s3KeyPrefix: 'audit' }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n    bucket: org-cloudtrail-logs\n',
      },
      {
        name: 'UpdateTrail keeping the trail multi-region with global events',
        record: updateTrail('org-trail', { isMultiRegionTrail: true, includeGlobalServiceEvents: true }),
      },
      {
        name: 'PutEventSelectors that keeps write management events and adds S3 data events',
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
        record: trailCall('StopLogging', { name: 'sandbox-trail' }),
        baseline: 'version: 1\ntrails:\n  - name: org-trail\n',
      },
      {
        name: 'PutInsightSelectors keeping an Insights type',
        record: trailCall('PutInsightSelectors', {
          trailName: 'org-trail',
          insightSelectors: [{ insightType: 'ApiCallRateInsight' }],
        }),
      },
      {
        name: 'PutInsightSelectors on a CloudTrail Lake event data store, not a trail',
        record: trailCall('PutInsightSelectors', {
          eventDataStore: 'arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/abc',
          insightSelectors: [],
        }),
      },
      {
        name: 'StopLogging that failed',
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
        record: stackCall('PutFunctionConcurrency20171031', 'lambda', {
          functionName: 'guardrail-prod-iam-events',
          reservedConcurrentExecutions: 5,
        }),
      },
      {
        name: "a rule that is not guardrail's",
        record: stackCall('DisableRule', 'events', { name: 'nightly-backup' }),
      },
      {
        name: "another application's function",
        record: stackCall('DeleteFunction20150331', 'lambda', { functionName: 'image-generator-resize' }),
      },
      {
        name: 'a DisableRule that failed',
        record: stackCall(
          'DisableRule',
          'events',
          { name: 'guardrail-prod-iam-events' },
          { errorCode: 'AccessDeniedException' },
        ),
      },
    ],
  },
};
