/**
 * Exactly-once on top of at-least-once delivery: Powertools idempotency on DynamoDB. The first invocation
 * for a key records INPROGRESS, then stores the summary it returned; a duplicate delivery gets that summary
 * back without remediating or notifying again. A failed invocation deletes its record so the retry acts.
 */
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';

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
