/**
 * The one retry layer for AWS calls: every SDK client is built with these settings, and no code loops on top
 * of them. Throttling, 5xx and network errors are retried by the SDK with exponential backoff and jitter, up to
 * 5 attempts; `adaptive` also slows the client down when the service throttles (IAM's quotas are per account).
 * What still fails after that is classified once (errors.ts) and left to Lambda's retry of the whole event.
 * Region and endpoint come from AWS_REGION and AWS_ENDPOINT_URL, read by the SDK itself.
 */
export const CLIENT_CONFIG = { maxAttempts: 5, retryMode: 'adaptive' } as const;
