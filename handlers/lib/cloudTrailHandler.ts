/**
 * The shape the CloudTrail handlers share (iam-events, ec2-events, tamper-events): decode, once per eventID, evaluate,
 * remediate, notify. Each handler file builds its own clients and passes them in.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Remediate } from '../../src/actions/index.ts';
import type { Baseline } from '../../src/baseline/baseline.ts';
import type { CloudTrailRecord } from '../../src/core/types.ts';
import type { RecordKnowledge } from '../../src/knowledge/lambda.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import type { EventSummary } from '../../src/respond/record.ts';
import { respondToRecord } from '../../src/respond/record.ts';
import type { DecodedCloudTrailEvent, Route } from '../middleware/decodeEvent.ts';
import { decodeCloudTrailEvent } from '../middleware/decodeEvent.ts';
import { logErrors } from '../middleware/logErrors.ts';
import { ownAccountOf } from './ownAccount.ts';

export interface CloudTrailHandlerDeps {
  readonly logger: Logger;
  /** The services this function is wired to (its EventBridge rule); others are skipped with a reason. */
  readonly eventSources: readonly string[];
  /** Records another function reports (tamper-events and tamper-watch split the stack's changes). */
  readonly route?: Route;
  /** The effective baseline (lib/baseline.ts: the deployment's overrides already applied). */
  readonly baseline: () => Promise<Baseline>;
  /** Told each invocation which account the function runs in (lib/ownAccount.ts): it acts nowhere else. */
  readonly remediate: Remediate;
  /** GUARDRAIL_ROLE_ARN's account: a cross-check of the account the invocation context names. */
  readonly roleAccount?: string | undefined;
  /** One message per event; with `registerLambdaContext` (lib/idempotency.ts), published once per event id. */
  readonly notifier: Notifier & { registerLambdaContext?(context: Context): void };
  /** Loads the facts a record's rules need from the record's own account (iam-events: IAM policy reads). */
  readonly knowledge?: RecordKnowledge;
  /** The idempotency middleware; null only in tests that exercise the rest without a store. */
  readonly idempotency: MiddlewareObj | null;
}

export type LambdaHandler<R> = (event: unknown, context: Context) => Promise<R>;

export function cloudTrailHandler(deps: CloudTrailHandlerDeps): LambdaHandler<EventSummary> {
  const handler = middy(async (event: unknown, context: Context): Promise<EventSummary> => {
    const { record } = event as DecodedCloudTrailEvent;
    const baseline = await deps.baseline();
    deps.notifier.registerLambdaContext?.(context);
    const own = ownAccountOf(context.invokedFunctionArn, deps.roleAccount);
    if (!own.known) deps.logger.error('own account not known; nothing is remediated', { reason: own.reason });
    const knowledge = deps.knowledge;
    return respondToRecord(record, baseline, {
      remediate: (finding) => deps.remediate(finding, own),
      notifier: deps.notifier,
      log: deps.logger,
      ...(knowledge ? { knowledge: (r: CloudTrailRecord, b: Baseline) => knowledge(r, b, own) } : {}),
    });
  })
    // Order matters: befores run top to bottom, afters and onErrors bottom to top.
    // 1. Lambda context (request id, cold start) on every log line; invocation keys reset afterwards.
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    // 2. A failure is logged as one line, after idempotency has released its record.
    .use(logErrors(deps.logger))
    // 3. Envelope → record; eventId joins the logs. Before idempotency, which keys on record.eventID; a record
    //    of another service returns its `skipped` summary here, so no idempotency record is written for it.
    .use(decodeCloudTrailEvent(deps.logger, deps.eventSources, deps.route));
  // 4. Once per eventID: a duplicate returns the stored summary without acting.
  if (deps.idempotency) handler.use(deps.idempotency);
  return handler as unknown as LambdaHandler<EventSummary>;
}
