/**
 * The one reading of AWS SDK errors, used by actions, notify, the sweep, the baseline loader and replay:
 * their name, a one-line message, and what kind of failure they are. It imports no SDK. By the time an error
 * reaches here the SDK has already retried throttling and 5xx (clientConfig.ts: the only retry layer), so
 * `throttled` and `transient` mean "worth trying again later" (Lambda retries the event), not "loop now".
 */
import { oneLine } from '../core/errors.ts';

export const AwsErrorKind = {
  /** The service refused for rate: Throttling, RequestLimitExceeded, SlowDown, HTTP 429. */
  throttled: 'throttled',
  /** 5xx, timeouts, network resets: the service or the path to it failed. */
  transient: 'transient',
  /** Not allowed: AccessDenied, UnauthorizedOperation, an explicit deny, an expired or invalid token. */
  denied: 'denied',
  /** The resource is not there (any more): NoSuchEntity, InvalidInstanceID.NotFound, NoSuchKey. */
  notFound: 'not-found',
  /** Anything else (a validation error, a limit, a conflict): retrying will not help. */
  other: 'other',
} as const;
export type AwsErrorKind = (typeof AwsErrorKind)[keyof typeof AwsErrorKind];

interface SdkLikeError {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const TRANSIENT = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceFailure',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthFailure',
  'InvalidClientTokenId',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'InvalidInstanceID.NotFound',
  'NoSuchKey',
  'NoSuchBucket',
  'NotFound',
  'ParameterNotFound',
  'ResourceNotFoundException',
]);

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
  // The SDK could not read the reply as AWS's (an HTML error page, a proxy, an emulator without the call): say
  // that, not the XML parser's complaint and the SDK's advice to inspect a hidden field.
  if (/Deserialization error/.test(message)) {
    const status = asSdkError(error).$metadata?.httpStatusCode;
    return `${status !== undefined ? `HTTP ${status}` : 'Error'}: the reply is not an AWS API reply (the endpoint may not serve this call)`;
  }
  if (!message || message === name || message === 'UnknownError') return oneLine(name, 300);
  return oneLine(`${name}: ${message}`, 300);
}

export function classifyAwsError(error: unknown): AwsErrorKind {
  const e = asSdkError(error);
  const name = awsErrorName(error);
  const status = e.$metadata?.httpStatusCode;
  if (THROTTLED.has(name) || status === 429) return AwsErrorKind.throttled;
  if (DENIED.has(name)) return AwsErrorKind.denied;
  if (NOT_FOUND.has(name)) return AwsErrorKind.notFound;
  if (TRANSIENT.has(name) || NETWORK.has(e.code ?? '') || NETWORK.has(name)) return AwsErrorKind.transient;
  if ((status !== undefined && status >= 500) || e.$retryable) return AwsErrorKind.transient;
  return AwsErrorKind.other;
}

/** Throttling, 5xx and network failures: worth another attempt later (the event is retried, not dropped). */
export function isTransientAwsError(error: unknown): boolean {
  const kind = classifyAwsError(error);
  return kind === AwsErrorKind.throttled || kind === AwsErrorKind.transient;
}
