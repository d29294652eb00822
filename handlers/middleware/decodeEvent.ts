/**
 * Middy middleware: the EventBridge envelope (or a bare CloudTrail record) becomes `{ record }`, validated
 * at the boundary; the record's eventId and eventName join every log line of the invocation. A malformed
 * event throws a one-line EventDecodeError: Lambda retries it, then the DLQ keeps it for a person. A record
 * from a service this function does not handle (a misrouted rule) returns a `skipped` summary at once, before
 * the idempotency layer writes a record for it.
 */
import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { EventDecodeError } from '../../src/core/errors.ts';
import type { CloudTrailRecord } from '../../src/core/types.ts';
import { decodeValue } from '../../src/events/decode.ts';

export interface DecodedCloudTrailEvent {
  readonly record: CloudTrailRecord;
}

export interface WrongSource {
  readonly status: 'skipped';
  readonly eventId: string;
  readonly eventName: string;
  readonly reason: string;
}

/**
 * Why this function leaves a record to another one (src/respond/watchers.ts), or undefined when it handles
 * it; given the function's own name (the invocation context's).
 */
export type Route = (record: CloudTrailRecord, functionName: string) => string | undefined;

/**
 * `eventSources`: the services this function is wired to (its EventBridge rule); others are skipped. `route`:
 * records another function reports are skipped too, the same way.
 */
export function decodeCloudTrailEvent(
  logger: Logger,
  eventSources: readonly string[],
  route?: Route,
): MiddlewareObj {
  return {
    name: 'decodeCloudTrailEvent',
    before: async (request): Promise<WrongSource | undefined> => {
      const decoded = [...decodeValue(request.event, 'event')];
      const first = decoded[0];
      if (decoded.length !== 1 || !first) {
        throw new EventDecodeError(`event: expected one CloudTrail record, got ${decoded.length}`);
      }
      if (first.kind !== 'record') {
        if (first.eventId) logger.appendKeys({ eventId: first.eventId });
        throw new EventDecodeError(`${first.where}: ${first.reason}`);
      }
      const { record } = first;
      logger.appendKeys({ eventId: record.eventID, eventName: record.eventName });
      const wrongSource = !eventSources.includes(record.eventSource);
      const reason = wrongSource
        ? `this function handles ${eventSources.join(', ')} events, not ${record.eventSource}`
        : route?.(record, request.context.functionName);
      if (reason !== undefined) {
        if (wrongSource) logger.warn('skipped', { reason });
        else logger.info('skipped', { reason });
        // Returning early skips the remaining middlewares: let Powertools' logger reset its keys itself.
        await cleanupMiddlewares(request);
        return { status: 'skipped', eventId: record.eventID, eventName: record.eventName, reason };
      }
      request.event = { record } satisfies DecodedCloudTrailEvent;
      return undefined;
    },
  };
}

export interface DecodedScheduledEvent {
  /** The scheduled event's id (EventBridge redelivers with the same id), or one per manual invocation. */
  readonly sweepId: string;
  readonly scheduled: boolean;
}

/** Scheduled events carry an `id`; a manual invocation (`{}`) gets the Lambda request id instead. */
export function decodeScheduledEvent(logger: Logger): MiddlewareObj {
  return {
    name: 'decodeScheduledEvent',
    before: (request) => {
      const event = request.event as { id?: unknown } | null;
      const id = typeof event?.id === 'string' && event.id !== '' ? event.id : undefined;
      const sweepId = id ?? `manual-${request.context.awsRequestId}`;
      logger.appendKeys({ eventId: sweepId });
      request.event = { sweepId, scheduled: id !== undefined } satisfies DecodedScheduledEvent;
    },
  };
}
