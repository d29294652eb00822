/**
 * The events that blind or silence guardrail: CloudTrail trail changes (StopLogging, DeleteTrail, UpdateTrail,
 * PutEventSelectors, PutInsightSelectors) from every region and account, and changes to guardrail's own stack
 * (its rules, functions, topic, queues, table), except those to this function itself, which tamper-watch
 * reports (src/respond/watchers.ts). Remediation: restore-logging (StartLogging) in the trail's home region.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import type { CredentialsProvider } from '../src/actions/member.ts';
import { restoreLoggingAction } from '../src/actions/restoreLogging.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { leftToOther } from '../src/respond/watchers.ts';
import { forceDryRun, functionRole, idempotencyTable } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, notifyOncePerEvent, oncePerKey } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv, withMembers } from './lib/runtime.ts';

const logger = createLogger('tamper-events');
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);

/** One client per region (and per account's credentials), built on first use, kept for the container's life. */
function cloudTrailClients(credentials?: CredentialsProvider): (region: string) => CloudTrailClient {
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new CloudTrailClient({ ...CLIENT_CONFIG, region, ...(credentials ? { credentials } : {}) });
      clients.set(region, client);
    }
    return client;
  };
}

export const handler = cloudTrailHandler({
  logger,
  eventSources: [
    'cloudtrail.amazonaws.com',
    'events.amazonaws.com',
    'lambda.amazonaws.com',
    'sns.amazonaws.com',
    'sqs.amazonaws.com',
    'dynamodb.amazonaws.com',
  ],
  // Changes to this very function (or the rules that feed it) are tamper-watch's to report.
  route: (record, self) => leftToOther(record, 'primary', self),
  baseline: baselineFromEnv(logger),
  // A member account's trail is started there, through its guardrail-remediator role (src/actions/plan.ts).
  remediate: createRemediator(
    { 'restore-logging': restoreLoggingAction(cloudTrailClients()) },
    {
      forceDryRun: forceDryRun(),
      ...withMembers((credentials) => ({
        'restore-logging': restoreLoggingAction(cloudTrailClients(credentials)),
      })),
    },
  ),
  roleAccount: functionRole()?.account,
  // One message per event, published once per event id even when Lambda retries a partly failed invocation.
  notifier: notifyOncePerEvent(snsNotifierFromEnv(sns), {
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    keyPrefix: 'guardrail-tamper-events-notify',
  }),
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-tamper-events',
    requireKey: true,
  }),
});
