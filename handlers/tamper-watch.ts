/**
 * The watcher of the watcher: changes to tamper-events itself (its function, or the rules that feed it),
 * which tamper-events cannot be relied on to report once deleted, throttled or unplugged. It receives the same
 * stack events as tamper-events, through its own rule, and reports those only (src/respond/watchers.ts), so
 * every change is reported once, by a function that is not its target. No remediation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { leftToOther } from '../src/respond/watchers.ts';
import { functionRole, idempotencyTable, watchedFunction } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { cloudTrailHandler } from './lib/cloudTrailHandler.ts';
import { dynamoPersistence, notifyOncePerEvent, oncePerKey } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv } from './lib/runtime.ts';

const logger = createLogger('tamper-watch');
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
const watched = watchedFunction();

export const handler = cloudTrailHandler({
  logger,
  eventSources: [
    'events.amazonaws.com',
    'lambda.amazonaws.com',
    'sns.amazonaws.com',
    'sqs.amazonaws.com',
    'dynamodb.amazonaws.com',
  ],
  route: (record) => leftToOther(record, 'watcher', watched),
  baseline: baselineFromEnv(logger),
  // guardrail.tamper proposes no remediation: this function only notifies.
  remediate: createRemediator({}),
  roleAccount: functionRole()?.account,
  // One message per event, published once per event id even when Lambda retries a partly failed invocation.
  notifier: notifyOncePerEvent(snsNotifierFromEnv(sns), {
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    keyPrefix: 'guardrail-tamper-watch-notify',
  }),
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'record.eventID',
    keyPrefix: 'guardrail-tamper-watch',
    requireKey: true,
  }),
});
