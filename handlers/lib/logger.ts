/**
 * One structured JSON logger per function (Powertools). Invocation keys (eventId, eventName) are appended
 * by the decoding middleware and reset after each invocation. Raw events are never logged: only ids, rule
 * ids, outcomes and one-line errors, so nothing secret can reach the logs through a record.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(handlerName: string): Logger {
  return new Logger({ serviceName: 'guardrail', persistentKeys: { handler: handlerName } });
}
