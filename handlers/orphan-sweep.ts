/**
 * The scheduled orphan sweep (EventBridge Scheduler or a rate rule): ephemeral users past expiry and users
 * unused beyond the baseline's window are tagged guardrail:orphaned; stale access keys are reported.
 * It never deletes anything. A redelivered schedule event (same id) runs once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { fetchAccountSnapshot } from '../src/sweep/fetch.ts';
import { forceDryRun, functionRole, idempotencyTable, sweepConcurrency } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { dynamoPersistence, oncePerKey } from './lib/idempotency.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv } from './lib/runtime.ts';
import { sweepHandler } from './lib/sweepHandler.ts';

const logger = createLogger('orphan-sweep');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const dynamo = new DynamoDBClient(CLIENT_CONFIG);
const concurrency = sweepConcurrency();

export const handler = sweepHandler({
  logger,
  baseline: baselineFromEnv(logger),
  snapshot: (now) => fetchAccountSnapshot(iam, { concurrency, now }),
  region: () => iam.config.region(),
  remediate: createRemediator({ 'tag-orphaned': tagUserAction(iam) }, { forceDryRun: forceDryRun() }),
  roleAccount: functionRole()?.account,
  notifier: snsNotifierFromEnv(sns),
  concurrency,
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'sweepId',
    keyPrefix: 'guardrail-orphan-sweep',
    requireKey: true,
  }),
});
