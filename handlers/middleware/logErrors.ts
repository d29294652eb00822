/**
 * Middy middleware: log a failed invocation as one structured line (error name, code, one-line message;
 * never a raw event or an SDK response) before the error propagates so Lambda retries the event.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { errorMessage, GuardrailError } from '../../src/core/errors.ts';

export function logErrors(logger: Logger): MiddlewareObj {
  return {
    name: 'logErrors',
    onError: (request) => {
      const error = request.error;
      logger.error('invocation failed; Lambda retries it, then the DLQ keeps it', {
        errorName: error?.name ?? 'Error',
        ...(error instanceof GuardrailError ? { errorCode: error.code } : {}),
        errorMessage: errorMessage(error),
      });
    },
  };
}
