/**
 * IAM CloudTrail events from EventBridge (us-east-1: IAM is global): CreateUser, CreateAccessKey,
 * PutRolePolicy. Remediation: tag-ephemeral (TagUser).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { forceDryRun, functionRole, idempotencyTable, memberAccess, minSeverity } from './config.ts';
import { remediateAcrossAccounts } from './lib/accounts.ts';
import { CLIENT_CONFIG } from './lib/aws.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, idempotent } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { baselineFromEnv, snsNotifierFromEnv } from './lib/runtime.ts';

const logger = createLogger('iam-events');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
const dryRun = forceDryRun();

export const handler = cloudTrailHandler({
  logger,
  eventSources: ['iam.amazonaws.com'],
  baseline: baselineFromEnv(logger),
  // A member account's finding is tagged there, through its guardrail-remediator role (lib/accounts.ts).
  remediate: remediateAcrossAccounts({
    member: memberAccess(),
    remediatorFor: (credentials) =>
      createRemediator(
        {
          'tag-ephemeral': tagUserAction(
            credentials ? new IAMClient({ ...CLIENT_CONFIG, credentials }) : iam,
          ),
        },
        { forceDryRun: dryRun },
      ),
  }),
  roleAccount: functionRole()?.account,
  notifier: snsNotifierFromEnv(sns),
  minSeverity: minSeverity(),
  idempotency: idempotent({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-iam-events',
    requireKey: true,
  }),
});
