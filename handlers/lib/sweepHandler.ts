/** The orphan sweep's handler shape: snapshot the account's users, judge, tag orphans, send one digest. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { Remediate } from '../../src/actions/index.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Severity } from '../../src/core/types.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import type { SweepSummary } from '../../src/respond/index.ts';
import { respondToSweep } from '../../src/respond/index.ts';
import type { AccountSnapshot } from '../../src/sweep/snapshot.ts';
import type { DecodedScheduledEvent } from '../middleware/decodeEvent.ts';
import { decodeScheduledEvent } from '../middleware/decodeEvent.ts';
import { logErrors } from '../middleware/logErrors.ts';
import type { LambdaHandler } from './cloudTrailHandler.ts';

export interface SweepHandlerDeps {
  readonly logger: Logger;
  readonly baseline: () => Promise<Baseline>;
  readonly snapshot: (now: Date) => Promise<AccountSnapshot>;
  readonly region: () => Promise<string>;
  readonly remediate: Remediate;
  readonly notifier: Notifier;
  readonly minSeverity: Severity | undefined;
  readonly concurrency: number;
  readonly idempotency: MiddlewareObj | null;
  readonly now?: () => Date;
}

export function sweepHandler(deps: SweepHandlerDeps): LambdaHandler<SweepSummary> {
  const handler = middy(async (event: unknown): Promise<SweepSummary> => {
    const { sweepId } = event as DecodedScheduledEvent;
    const baseline = await deps.baseline();
    const now = deps.now?.() ?? new Date();
    const snapshot = await deps.snapshot(now);
    deps.logger.info('account read', {
      users: snapshot.users.length,
      unreadable: snapshot.unreadable.length,
    });
    return respondToSweep(
      snapshot,
      baseline,
      { sweepId, now: now.toISOString(), region: await deps.region() },
      {
        remediate: deps.remediate,
        notifier: deps.notifier,
        minSeverity: deps.minSeverity ?? baseline.notify.minSeverity,
        log: deps.logger,
        concurrency: deps.concurrency,
      },
    );
  })
    // Same order as the CloudTrail handlers: context, error line, decode (sweepId), then idempotency.
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logErrors(deps.logger))
    .use(decodeScheduledEvent(deps.logger));
  if (deps.idempotency) handler.use(deps.idempotency);
  return handler as unknown as LambdaHandler<SweepSummary>;
}
