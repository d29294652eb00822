/**
 * Reading SDK errors without importing the SDK: their name, a one-line message, and whether retrying later
 * could help. The SDK already retried throttling and 5xx with backoff before an error reaches us.
 */
import { oneLine } from '../core/errors.ts';

interface SdkLikeError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
  'ServiceFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

function asSdkError(error: unknown): SdkLikeError {
  return typeof error === 'object' && error !== null ? (error as SdkLikeError) : {};
}

/** The error's code as AWS names it (`AccessDenied`, `NoSuchEntity`, `UnauthorizedOperation`). */
export function awsErrorName(error: unknown): string {
  const e = asSdkError(error);
  return e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
}

/** `AccessDenied: User ... is not authorized to perform: iam:TagUser ...`: one line, no stack, no request id. */
export function describeAwsError(error: unknown): string {
  const name = awsErrorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!message || message === name || message === 'UnknownError') return oneLine(name, 300);
  return oneLine(`${name}: ${message}`, 300);
}

/** Throttling, 5xx and network failures: worth another attempt later (the event is retried, not dropped). */
export function isTransientAwsError(error: unknown): boolean {
  const e = asSdkError(error);
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  if (e.$retryable) return true;
  const name = awsErrorName(error);
  return THROTTLING.has(name) || NETWORK.has(e.code ?? '') || NETWORK.has(name);
}
