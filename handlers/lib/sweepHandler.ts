/** The orphan sweep's handler shape: snapshot the account's users, judge, tag orphans, send one digest. */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Remediate } from '../../src/actions/index.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import type { StackCheckSummary } from '../../src/respond/stackCheck.ts';
import { respondToStackCheck } from '../../src/respond/stackCheck.ts';
import type { SweepSummary } from '../../src/respond/sweep.ts';
import { respondToSweep } from '../../src/respond/sweep.ts';
import type { StackSnapshot } from '../../src/state/stack.ts';
import type { AccountSnapshot } from '../../src/sweep/snapshot.ts';
import type { DecodedScheduledEvent } from '../middleware/decodeEvent.ts';
import { decodeScheduledEvent } from '../middleware/decodeEvent.ts';
import { logErrors } from '../middleware/logErrors.ts';
import type { LambdaHandler } from './cloudTrailHandler.ts';
import { ownAccountOf } from './ownAccount.ts';

export interface SweepHandlerDeps {
  readonly logger: Logger;
  readonly baseline: () => Promise<Baseline>;
  readonly snapshot: (now: Date) => Promise<AccountSnapshot>;
  readonly region: () => Promise<string>;
  /** Told each invocation which account the function runs in (lib/ownAccount.ts): it acts nowhere else. */
  readonly remediate: Remediate;
  /** GUARDRAIL_ROLE_ARN's account: a cross-check of the account the invocation context names. */
  readonly roleAccount?: string | undefined;
  readonly notifier: Notifier;
  readonly concurrency: number;
  readonly idempotency: MiddlewareObj | null;
  readonly now?: () => Date;
  /**
   * The scheduled check of guardrail's own state (src/state/): read after the sweep, one message when something
   * is wrong. Its own module, so a scheduled scan that replaces the sweep can run it the same way.
   */
  readonly stackCheck?: (now: Date) => Promise<StackSnapshot>;
}

export type ScheduledSummary = SweepSummary & { readonly stack?: StackCheckSummary };

export function sweepHandler(deps: SweepHandlerDeps): LambdaHandler<ScheduledSummary> {
  const handler = middy(async (event: unknown, context: Context): Promise<ScheduledSummary> => {
    const { sweepId } = event as DecodedScheduledEvent;
    const baseline = await deps.baseline();
    const own = ownAccountOf(context.invokedFunctionArn, deps.roleAccount);
    if (!own.known) deps.logger.error('own account not known; nothing is remediated', { reason: own.reason });
    const now = deps.now?.() ?? new Date();
    const snapshot = await deps.snapshot(now);
    deps.logger.info('account read', {
      users: snapshot.users.length,
      unreadable: snapshot.unreadable.length,
    });
    const swept = await respondToSweep(
      snapshot,
      baseline,
      { sweepId, now: now.toISOString(), region: await deps.region() },
      {
        remediate: (finding) => deps.remediate(finding, own),
        notifier: deps.notifier,
        log: deps.logger,
        concurrency: deps.concurrency,
      },
    );
    if (!deps.stackCheck) return swept;
    const state = await deps.stackCheck(now);
    const stack = await respondToStackCheck(state, baseline, `${sweepId}:stack`, {
      notifier: deps.notifier,
      log: deps.logger,
    });
    return { ...swept, stack };
  })
    // Same order as the CloudTrail handlers: context, error line, decode (sweepId), then idempotency.
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logErrors(deps.logger))
    .use(decodeScheduledEvent(deps.logger));
  if (deps.idempotency) handler.use(deps.idempotency);
  return handler as unknown as LambdaHandler<ScheduledSummary>;
}
