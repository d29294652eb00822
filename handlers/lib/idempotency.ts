/**
 * Exactly-once on top of at-least-once delivery: Powertools idempotency on DynamoDB. The first invocation
 * for a key records INPROGRESS, then stores the summary it returned; a duplicate delivery gets that summary
 * back without remediating or notifying again. A failed invocation deletes its record so the retry acts.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Finding } from '../../src/core/types.ts';
import type { Delivery, Notifier } from '../../src/notify/notifier.ts';

/** EventBridge redelivers within hours at most; a day covers it with room to spare. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export function dynamoPersistence(tableName: string, client: DynamoDBClient): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: client });
}

export interface IdempotencyOptions {
  readonly persistenceStore: BasePersistenceLayer;
  /** JMESPath of the key in the decoded event, e.g. `record.eventID`. */
  readonly key: string;
  /** Namespaces the records per handler, so one table serves every function. */
  readonly keyPrefix: string;
  /** Refuse events without a key (CloudTrail records always have one; manual sweeps do not). */
  readonly requireKey: boolean;
}

/**
 * Our middleware around Powertools' `makeHandlerIdempotent`, named apart from Powertools' own `idempotent`
 * decorator so a reader never takes one for the other.
 */
export function oncePerKey(options: IdempotencyOptions): MiddlewareObj {
  return makeHandlerIdempotent({
    persistenceStore: options.persistenceStore,
    keyPrefix: options.keyPrefix,
    config: new IdempotencyConfig({
      eventKeyJmesPath: options.key,
      expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
      throwOnNoIdempotencyKey: options.requireKey,
    }),
  }) as MiddlewareObj;
}

export interface OnceNotifier extends Notifier {
  /** The current invocation's context: a record a crashed publish left INPROGRESS expires with it. */
  registerLambdaContext(context: Context): void;
}

/**
 * The notifier, with each event's message published once per event id. The whole invocation is already once
 * per event id, but a failed invocation releases its record and Lambda retries it in full: when the message
 * went out and the invocation failed afterwards (its own record could not be saved, the function timed out),
 * the retry finds this second record and returns the stored delivery instead of publishing again. A publish
 * that failed leaves no record, so the retry sends it. Digests (sweep, replay) pass through unchanged.
 */
export function notifyOncePerEvent(
  notifier: Notifier,
  options: { readonly persistenceStore: BasePersistenceLayer; readonly keyPrefix: string },
): OnceNotifier {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'eventId',
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const publish = makeIdempotent(
    (message: { readonly eventId: string; readonly findings: readonly Finding[] }): Promise<Delivery> =>
      notifier.notifyEvent(message.findings),
    { persistenceStore: options.persistenceStore, config, keyPrefix: options.keyPrefix },
  );
  return {
    notifyEvent: (findings) => publish({ eventId: findings[0]?.eventId ?? '', findings }),
    digest: (digest) => notifier.digest(digest),
    registerLambdaContext: (context) => config.registerLambdaContext(context),
  };
}
