/** The instance-tags fact as ec2-events reads it (DescribeInstances), and what it does when it cannot. */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { describeAwsError } from '../../../src/aws/errors.ts';
import { instanceTagsLoader } from '../../../src/knowledge/ec2.ts';
import { knowledgeFromAnswers, loadFacts } from '../../../src/knowledge/prefetched.ts';
import { sdkError } from '../../helpers/awsErrors.ts';

const ec2Mock = mockClient(EC2Client);
const ID = 'i-0a1b2c3d4e5f60718';

describe('instanceTagsLoader', () => {
  const ec2For = vi.fn((region: string) => new EC2Client({ region }));
  beforeEach(() => {
    ec2Mock.reset();
    ec2For.mockClear();
  });

  it("reads the instance's tags in its region", async () => {
    ec2Mock.on(DescribeInstancesCommand, { InstanceIds: [ID] }).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: ID,
              Tags: [
                { Key: 'guardrail:imds-profile', Value: 'containers' },
                { Key: 'Name', Value: 'kdcube' },
              ],
            },
          ],
        },
      ],
    });
    const answer = await instanceTagsLoader(ec2For)({
      kind: 'instanceTags',
      instanceId: ID,
      region: 'eu-west-1',
    });
    expect(answer).toEqual({
      known: true,
      source: 'ec2',
      value: { 'guardrail:imds-profile': 'containers', Name: 'kdcube' },
    });
    expect(ec2For).toHaveBeenCalledWith('eu-west-1');
  });

  it.each([
    [
      'an error',
      () => ec2Mock.on(DescribeInstancesCommand).rejects(sdkError('InvalidInstanceID.NotFound', 'gone')),
    ],
    ['an empty reply', () => ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] })],
  ])('says a gone instance is unknown, from %s', async (_how, arrange) => {
    arrange();
    expect(
      await instanceTagsLoader(ec2For)({ kind: 'instanceTags', instanceId: ID, region: 'eu-west-1' }),
    ).toEqual({ known: false, why: `instance ${ID} no longer exists` });
  });

  it('a denied read becomes an unknown fact with its one-line reason, served to the engine', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    const answers = await loadFacts(
      [{ kind: 'instanceTags', instanceId: ID, region: 'eu-west-1' }],
      { instanceTags: instanceTagsLoader(ec2For) },
      describeAwsError,
    );
    expect(knowledgeFromAnswers(answers).instanceTags(ID, 'eu-west-1', '2026-11-20T10:15:29Z')).toEqual({
      known: false,
      why: 'UnauthorizedOperation: You are not authorized to perform this operation.',
    });
  });
});
