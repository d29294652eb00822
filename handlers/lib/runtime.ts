/** What every handler builds the same way at init: its logger, the baseline loader, the SNS notifier. */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { SnsNotifier } from '../../src/notify/sns.ts';
import type { Env } from '../config.ts';
import { baselineCacheSeconds, baselineSource, functionRole, topicArn } from '../config.ts';
import { createBaselineLoader } from './baseline.ts';

/** The baseline with the function's own role among its ownRoles (loop prevention that does not rely on the file). */
export function withOwnRole(baseline: Baseline, roleName: string): Baseline {
  return baseline.ownRoles.includes(roleName)
    ? baseline
    : { ...baseline, ownRoles: [...baseline.ownRoles, roleName] };
}

export function baselineFromEnv(logger: Logger, env?: Env): () => Promise<Baseline> {
  const load = createBaselineLoader(baselineSource(env), {
    cacheSeconds: baselineCacheSeconds(env),
    onStaleRefreshError: (message) =>
      logger.warn('baseline refresh failed; keeping the last good one', { error: message }),
  });
  const role = functionRole(env);
  if (!role) return load;
  // One derived baseline per loaded one, so the cache keeps handing out the same object.
  const derived = new WeakMap<Baseline, Baseline>();
  return async () => {
    const baseline = await load();
    let own = derived.get(baseline);
    if (!own) {
      own = withOwnRole(baseline, role.roleName);
      derived.set(baseline, own);
    }
    return own;
  };
}

export function snsNotifierFromEnv(sns: SNSClient, env?: Env): SnsNotifier {
  return new SnsNotifier(sns, topicArn(env));
}
