/**
 * IAM CloudTrail events from EventBridge (us-east-1: IAM is global): users, access keys, login profiles, roles
 * and their trust, and every path to a permission (inline and managed policies, policy versions, groups,
 * boundaries). Remediation: tag-ephemeral (TagUser). The rules' facts (a managed policy's document, its holders,
 * a group's policies, a user's access keys) are read from IAM before evaluating (src/knowledge/iam.ts,
 * iam-keys.ts), cached while the container is warm.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { memberCredentials } from '../src/actions/member.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { iamFactLoaders } from '../src/knowledge/iam.ts';
import { accessKeysLoader } from '../src/knowledge/iam-keys.ts';
import { recordKnowledge } from '../src/knowledge/lambda.ts';
import { forceDryRun, functionRole, idempotencyTable, memberAccess } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, notifyOncePerEvent, oncePerKey } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv, withMembers } from './lib/runtime.ts';

const logger = createLogger('iam-events');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
const members = memberAccess();

/** Everything iam-events reads from an account's IAM before judging a record. */
const iamLoaders = (client: IAMClient) => ({
  ...iamFactLoaders(client),
  accessKeys: accessKeysLoader(client),
});

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
  // A member account's facts are read there, through the same role the remediations use.
  knowledge: recordKnowledge({
    own: iamLoaders(iam),
    ...(members
      ? {
          member: (account: string) =>
            iamLoaders(new IAMClient({ ...CLIENT_CONFIG, credentials: memberCredentials(account, members) })),
        }
      : {}),
  }),
  // One message per event, published once per event id even when Lambda retries a partly failed invocation.
  notifier: notifyOncePerEvent(snsNotifierFromEnv(sns), {
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    keyPrefix: 'guardrail-iam-events-notify',
  }),
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-iam-events',
    requireKey: true,
  }),
});
