/**
 * Settings every SDK client shares. Throttling and 5xx are retried by the SDK with exponential backoff and
 * jitter; `adaptive` also slows the client down when the service throttles (IAM's quotas are per account).
 * Region and endpoint come from AWS_REGION and AWS_ENDPOINT_URL, read by the SDK itself.
 */
export const CLIENT_CONFIG = { maxAttempts: 5, retryMode: 'adaptive' } as const;
