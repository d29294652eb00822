/**
 * The scheduled state scan's handler shape: read the account, judge it, remediate, send one digest; then the
 * check of guardrail's own state (its trails logging, rules enabled, functions present), one message when
 * something is wrong.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Remediate } from '../../src/actions/index.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import type { ScanSummary } from '../../src/respond/scan.ts';
import { respondToScan } from '../../src/respond/scan.ts';
import type { StackCheckSummary } from '../../src/respond/stackCheck.ts';
import { respondToStackCheck } from '../../src/respond/stackCheck.ts';
import type { StackSnapshot } from '../../src/state/stack.ts';
import type { AccountState } from '../../src/state/state.ts';
import type { DecodedScheduledEvent } from '../middleware/decodeEvent.ts';
import { decodeScheduledEvent } from '../middleware/decodeEvent.ts';
import { logErrors } from '../middleware/logErrors.ts';
import type { LambdaHandler } from './cloudTrailHandler.ts';
import { ownAccountOf } from './ownAccount.ts';

export interface ScanHandlerDeps {
  readonly logger: Logger;
  readonly baseline: () => Promise<Baseline>;
  /** Reads the account's state; `account` is the function's own when the invocation context names it. */
  readonly read: (now: Date, account: string | undefined) => Promise<AccountState>;
  /** Told each invocation which account the function runs in (lib/ownAccount.ts): it acts nowhere else. */
  readonly remediate: Remediate;
  /** GUARDRAIL_ROLE_ARN's account: a cross-check of the account the invocation context names. */
  readonly roleAccount?: string | undefined;
  readonly notifier: Notifier;
  readonly concurrency: number;
  readonly idempotency: MiddlewareObj | null;
  readonly now?: () => Date;
  /** Reads guardrail's own state (src/state/stackReader.ts), when the deployment names its stack. */
  readonly stackCheck?: (now: Date) => Promise<StackSnapshot>;
}

export type ScheduledSummary = ScanSummary & { readonly stack?: StackCheckSummary };

export function scanHandler(deps: ScanHandlerDeps): LambdaHandler<ScheduledSummary> {
  const handler = middy(async (event: unknown, context: Context): Promise<ScheduledSummary> => {
    const { sweepId } = event as DecodedScheduledEvent;
    const baseline = await deps.baseline();
    const own = ownAccountOf(context.invokedFunctionArn, deps.roleAccount);
    if (!own.known) deps.logger.error('own account not known; nothing is remediated', { reason: own.reason });
    const now = deps.now?.() ?? new Date();
    const state = await deps.read(now, own.known ? own.account : undefined);
    deps.logger.info('account read', {
      users: state.users.length,
      roles: state.roles.length,
      regions: state.regions.length,
      problems: state.problems.length,
    });
    // Not the schedule event's bare id: a scan finding has no CloudTrail event behind it to link to.
    const scanned = await respondToScan(
      state,
      baseline,
      { scanId: `scan-${sweepId}` },
      {
        remediate: (finding) => deps.remediate(finding, own),
        notifier: deps.notifier,
        log: deps.logger,
        concurrency: deps.concurrency,
      },
    );
    if (!deps.stackCheck) return scanned;
    const stack = await respondToStackCheck(await deps.stackCheck(now), baseline, `scan-${sweepId}:stack`, {
      notifier: deps.notifier,
      log: deps.logger,
    });
    return { ...scanned, stack };
  })
    // Same order as the CloudTrail handlers: context, error line, decode (the schedule's id), then idempotency.
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logErrors(deps.logger))
    .use(decodeScheduledEvent(deps.logger));
  if (deps.idempotency) handler.use(deps.idempotency);
  return handler as unknown as LambdaHandler<ScheduledSummary>;
}
