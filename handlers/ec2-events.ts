/**
 * EC2 CloudTrail events from EventBridge (each region where instances run): ModifyInstanceMetadataOptions,
 * RunInstances, CreateLaunchTemplate(Version), ModifyInstanceMetadataDefaults. Reads an instance's tags when its
 * IMDS profile depends on them (DescribeInstances). Remediation: enforce-imdsv2 in the instances' region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { enforceImdsV2Action } from '../src/actions/enforceImdsV2.ts';
import { createRemediator } from '../src/actions/index.ts';
import type { CredentialsProvider } from '../src/actions/member.ts';
import { memberCredentials } from '../src/actions/member.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { instanceTagsLoader } from '../src/knowledge/ec2.ts';
import { recordKnowledge } from '../src/knowledge/lambda.ts';
import { dryRunProbe, forceDryRun, functionRole, idempotencyTable, memberAccess } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, notifyOncePerEvent, oncePerKey } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv, withMembers } from './lib/runtime.ts';

const logger = createLogger('ec2-events');
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
const probe = dryRunProbe();

/** One client per region (and per account's credentials), built on first use, kept for the container's life. */
function ec2Clients(credentials?: CredentialsProvider): (region: string) => EC2Client {
  const clients = new Map<string, EC2Client>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new EC2Client({ ...CLIENT_CONFIG, region, ...(credentials ? { credentials } : {}) });
      clients.set(region, client);
    }
    return client;
  };
}

const ownEc2 = ec2Clients();
const members = memberAccess();
export const handler = cloudTrailHandler({
  logger,
  eventSources: ['ec2.amazonaws.com'],
  baseline: baselineFromEnv(logger),
  // A member account's instance is fixed there, through its guardrail-remediator role (src/actions/plan.ts).
  remediate: createRemediator(
    { 'enforce-imdsv2': enforceImdsV2Action(ownEc2, { dryRunProbe: probe }) },
    {
      forceDryRun: forceDryRun(),
      ...withMembers((credentials) => ({
        'enforce-imdsv2': enforceImdsV2Action(ec2Clients(credentials), { dryRunProbe: probe }),
      })),
    },
  ),
  roleAccount: functionRole()?.account,
  // Instance tags are read in the event's account: with the function's own role, or a member's remediation role.
  knowledge: recordKnowledge({
    own: { instanceTags: instanceTagsLoader(ownEc2) },
    ...(members
      ? {
          member: (account: string) => ({
            instanceTags: instanceTagsLoader(ec2Clients(memberCredentials(account, members))),
          }),
        }
      : {}),
  }),
  // One message per event, published once per event id even when Lambda retries a partly failed invocation.
  notifier: notifyOncePerEvent(snsNotifierFromEnv(sns), {
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    keyPrefix: 'guardrail-ec2-events-notify',
  }),
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-ec2-events',
    requireKey: true,
  }),
});
