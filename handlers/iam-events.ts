/**
 * IAM CloudTrail events from EventBridge (us-east-1: IAM is global): the IAM events of src/events/subjects.
 * Remediation: tag-ephemeral (TagUser). Facts read before judging: a user's access keys (ListAccessKeys).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { accessKeysLoader } from '../src/knowledge/iam-keys.ts';
import { forceDryRun, functionRole, idempotencyTable } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, idempotent } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv, withMembers } from './lib/runtime.ts';

const logger = createLogger('iam-events');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);

export const handler = cloudTrailHandler({
  logger,
  eventSources: ['iam.amazonaws.com'],
  baseline: baselineFromEnv(logger),
  // A member account's finding is tagged there, through its guardrail-remediator role (src/actions/plan.ts).
  remediate: createRemediator(
    { 'tag-ephemeral': tagUserAction(iam) },
    {
      forceDryRun: forceDryRun(),
      ...withMembers((credentials) => ({
        'tag-ephemeral': tagUserAction(new IAMClient({ ...CLIENT_CONFIG, credentials })),
      })),
    },
  ),
  roleAccount: functionRole()?.account,
  notifier: snsNotifierFromEnv(sns),
  facts: { accessKeys: accessKeysLoader(iam) },
  idempotency: idempotent({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-iam-events',
    requireKey: true,
  }),
});
