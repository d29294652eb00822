/**
 * The scheduled orphan sweep (EventBridge Scheduler or a rate rule): ephemeral users past expiry and users
 * unused beyond the baseline's window are tagged guardrail:orphaned; stale access keys are reported.
 * It never deletes anything. A redelivered schedule event (same id) runs once. Then, when GUARDRAIL_STACK_PREFIX
 * is set, the check of guardrail's own state (src/state/): trails logging, the stack's rules enabled, its
 * functions present and not throttled to 0.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { readStackSnapshot } from '../src/state/stackReader.ts';
import { fetchAccountSnapshot } from '../src/sweep/fetch.ts';
import { forceDryRun, functionRole, idempotencyTable, stackCheck, sweepConcurrency } from './config.ts';
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
const stack = stackCheck();
const role = functionRole();

/** One CloudTrail client per region (a trail's status is asked in its home region), built on first use. */
const trailClients = new Map<string, CloudTrailClient>();
function cloudTrail(region: string): CloudTrailClient {
  let client = trailClients.get(region);
  if (!client) {
    client = new CloudTrailClient({ ...CLIENT_CONFIG, region });
    trailClients.set(region, client);
  }
  return client;
}
const events = stack ? new EventBridgeClient(CLIENT_CONFIG) : undefined;
const lambda = stack ? new LambdaClient(CLIENT_CONFIG) : undefined;

export const handler = sweepHandler({
  logger,
  baseline: baselineFromEnv(logger),
  snapshot: (now) => fetchAccountSnapshot(iam, { concurrency, now }),
  region: () => iam.config.region(),
  remediate: createRemediator({ 'tag-orphaned': tagUserAction(iam) }, { forceDryRun: forceDryRun() }),
  roleAccount: role?.account,
  notifier: snsNotifierFromEnv(sns),
  concurrency,
  ...(stack && events && lambda
    ? {
        stackCheck: async (now: Date) =>
          readStackSnapshot(
            { cloudTrail, events, lambda },
            {
              account: role?.account ?? 'unknown',
              region: await iam.config.region(),
              ...stack,
              now,
            },
          ),
      }
    : {}),
  idempotency: oncePerKey({
    persistenceStore: dynamoPersistence(idempotencyTable(), dynamo),
    key: 'sweepId',
    keyPrefix: 'guardrail-orphan-sweep',
    requireKey: true,
  }),
});
