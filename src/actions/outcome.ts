/** What an action reports back: the finding's remediation status plus a line for people. */
import { ActionError } from '../core/errors.ts';

export type ActionOutcome =
  | { readonly status: 'applied'; readonly note: string }
  | { readonly status: 'already-compliant'; readonly note: string }
  /** `error` set when a permission probe says the real call would be denied. */
  | { readonly status: 'dry-run'; readonly note: string; readonly error?: string }
  | { readonly status: 'failed'; readonly error: string; readonly note?: string };

/**
 * A remediation that failed for a reason that may pass (throttling or 5xx after the SDK's own retries, a
 * network error): the handler lets it propagate so Lambda retries the event and, failing that, the DLQ keeps it.
 */
export class ActionRetryableError extends ActionError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ActionRetryableError';
  }
}
