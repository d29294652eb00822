/** What every handler builds the same way at init: its logger, the baseline loader, the SNS notifier. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { SnsNotifier } from '../../src/notify/sns.ts';
import type { Env } from '../config.ts';
import { baselineCacheSeconds, baselineSource, topicArn } from '../config.ts';
import { createBaselineLoader } from './baseline.ts';

export function baselineFromEnv(logger: Logger, env?: Env): () => Promise<Baseline> {
  return createBaselineLoader(baselineSource(env), {
    cacheSeconds: baselineCacheSeconds(env),
    onStaleRefreshError: (message) =>
      logger.warn('baseline refresh failed; keeping the last good one', { error: message }),
  });
}

export function snsNotifierFromEnv(sns: SNSClient, env?: Env): SnsNotifier {
  return new SnsNotifier(sns, topicArn(env));
}
