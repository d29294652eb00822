/**
 * EC2 CloudTrail events from EventBridge (each region where instances run): ModifyInstanceMetadataOptions.
 * Remediation: enforce-imdsv2 in the instance's region.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { enforceImdsV2Action } from '../src/actions/enforceImdsV2.ts';
import { createRemediator } from '../src/actions/index.ts';
import { dryRunProbe, forceDryRun, functionRole, idempotencyTable, minSeverity } from './config.ts';
import { CLIENT_CONFIG } from './lib/aws.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, idempotent } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { remediateInOwnAccount } from './lib/ownAccount.ts';
import { baselineFromEnv, snsNotifierFromEnv } from './lib/runtime.ts';

const logger = createLogger('ec2-events');
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
// One client per region, built on first use and kept for the life of the container.
const ec2Clients = new Map<string, EC2Client>();
function ec2For(region: string): EC2Client {
  let client = ec2Clients.get(region);
  if (!client) {
    client = new EC2Client({ ...CLIENT_CONFIG, region });
    ec2Clients.set(region, client);
  }
  return client;
}

export const handler = cloudTrailHandler({
  logger,
  eventSources: ['ec2.amazonaws.com'],
  baseline: baselineFromEnv(logger),
  remediate: remediateInOwnAccount(
    createRemediator(
      { 'enforce-imdsv2': enforceImdsV2Action(ec2For, { dryRunProbe: dryRunProbe() }) },
      { forceDryRun: forceDryRun() },
    ),
    functionRole()?.account,
  ),
  notifier: snsNotifierFromEnv(sns),
  minSeverity: minSeverity(),
  idempotency: idempotent({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-ec2-events',
    requireKey: true,
  }),
});
