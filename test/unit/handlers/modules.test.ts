/**
 * The handler modules as Lambda loads them: configuration from the environment, clients at module scope,
 * `handler` exported. AWS is mocked at the client class, so module-scope clients are covered too.
 */
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
} from '@aws-sdk/client-ec2';
import { IAMClient, ListUsersCommand, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';
import { EPHEMERAL_USER } from '../../helpers/findings.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { createUser, eventBridge, identities, modifyImds } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const dynamoMock = mockClient(DynamoDBClient);

const ENV = {
  GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH,
  GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail',
  GUARDRAIL_IDEMPOTENCY_TABLE: 'guardrail-idempotency',
  AWS_REGION: 'us-east-1',
};

describe('handler modules', () => {
  let logs: CapturedLogs;
  beforeAll(() => {
    for (const [key, value] of Object.entries(ENV)) vi.stubEnv(key, value);
  });
  afterAll(() => vi.unstubAllEnvs());
  beforeEach(() => {
    for (const mock of [iamMock, ec2Mock, snsMock, dynamoMock]) mock.reset();
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(UpdateItemCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    logs = captureLogs();
    return () => logs.restore();
  });

  it('iam-events tags the per-run user, publishes once and records the event in DynamoDB', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).resolves({});
    const { handler } = await import('../../../handlers/iam-events.ts');
    const event = eventBridge(
      createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
    );
    const summary = await handler(event, lambdaContext('guardrail-iam-events'));
    expect(summary).toMatchObject({
      status: 'processed',
      findings: [{ remediation: { status: 'applied' }, messageId: 'm-1' }],
    });
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(ENV.GUARDRAIL_TOPIC_ARN);
    // Two records in the table: the invocation's, and its message's (published once per event id).
    const keys = dynamoMock.commandCalls(PutItemCommand).map((call) => {
      expect(call.args[0].input.TableName).toBe(ENV.GUARDRAIL_IDEMPOTENCY_TABLE);
      return String(call.args[0].input.Item?.id?.S).split('#')[0];
    });
    expect(keys.sort()).toEqual(['guardrail-iam-events', 'guardrail-iam-events-notify']);
    expect(dynamoMock.commandCalls(UpdateItemCommand)).toHaveLength(2);
  });

  it('ec2-events reads the instance and, in the example baseline (dry-run), changes nothing', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0123456789abcdef0',
              State: { Name: 'running' },
              MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 },
            },
          ],
        },
      ],
    });
    ec2Mock
      .on(ModifyInstanceMetadataOptionsCommand, { DryRun: true })
      .rejects(Object.assign(new Error('ok'), { name: 'DryRunOperation' }));
    const { handler } = await import('../../../handlers/ec2-events.ts');
    const event = eventBridge(
      modifyImds(
        'i-0123456789abcdef0',
        { HttpTokens: 'optional' },
        { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
      ),
    );
    const summary = await handler(event, lambdaContext('guardrail-ec2-events'));
    expect(summary).toMatchObject({
      findings: [{ ruleId: 'ec2.imds.v1-allowed', remediation: { status: 'dry-run' } }],
    });
    // The only Modify call is the DryRun permission probe.
    expect(
      ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand).map((c) => c.args[0].input.DryRun),
    ).toEqual([true]);
  });

  it.each([
    [
      'tagged for the containers profile: hop limit 2 is within its maximum',
      { 'guardrail:imds-profile': 'containers' },
      [],
    ],
    ['untagged: hop limit 2 is above the account maximum of 1', {}, ['ec2.imds.hop-limit']],
  ] as const)(
    'ec2-events reads the instance tags its IMDS profile depends on: %s',
    async (_name, tags, expected) => {
      const id = 'i-0a1b2c3d4e5f60718';
      ec2Mock.on(DescribeInstancesCommand).resolves({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: id,
                State: { Name: 'running' },
                MetadataOptions: {
                  HttpTokens: 'required',
                  HttpPutResponseHopLimit: 2,
                  HttpEndpoint: 'enabled',
                },
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          },
        ],
      });
      ec2Mock
        .on(ModifyInstanceMetadataOptionsCommand, { DryRun: true })
        .rejects(Object.assign(new Error('ok'), { name: 'DryRunOperation' }));
      const { handler } = await import('../../../handlers/ec2-events.ts');
      const event = eventBridge(
        modifyImds(
          id,
          { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
          { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
        ),
      );
      const summary = await handler(event, lambdaContext('guardrail-ec2-events'));
      if (summary.status !== 'processed') throw new Error(summary.reason);
      expect(summary.findings.map((f) => f.ruleId)).toEqual(expected);
      // The tags were read before evaluating, in the instance's region.
      const reads = ec2Mock.commandCalls(DescribeInstancesCommand);
      expect(reads[0]?.args[0].input).toEqual({ InstanceIds: [id] });
      expect(await ec2Mock.call(0).thisValue.config.region()).toBe('eu-west-1');
    },
  );

  it('orphan-sweep reads the account and stays quiet when nothing is orphaned', async () => {
    iamMock.on(ListUsersCommand).resolves({ Users: [] });
    const { handler } = await import('../../../handlers/orphan-sweep.ts');
    const summary = await handler({ id: 'sched-1' }, lambdaContext('guardrail-orphan-sweep'));
    expect(summary).toMatchObject({ status: 'swept', usersExamined: 0, digest: null });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
