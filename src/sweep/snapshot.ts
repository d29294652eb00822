/**
 * What the orphan sweep knows about the account: a plain-data snapshot the adapter (fetch.ts) reads from
 * IAM and the pure decision (sweep.ts) judges. Times are ISO 8601 strings.
 */

export interface AccessKeySnapshot {
  readonly accessKeyId: string;
  /** `Active` or `Inactive`. */
  readonly status: string;
  readonly createdAt: string;
  readonly lastUsedAt?: string;
}

export interface UserSnapshot {
  readonly userName: string;
  readonly arn: string;
  readonly createdAt: string;
  readonly passwordLastUsedAt?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly accessKeys: readonly AccessKeySnapshot[];
}

/** A user the adapter listed but could not read in full: reported, never judged on half the facts. */
export interface UnreadableUser {
  readonly userName: string;
  readonly error: string;
}

export interface AccountSnapshot {
  readonly account: string;
  readonly takenAt: string;
  readonly users: readonly UserSnapshot[];
  readonly unreadable: readonly UnreadableUser[];
}
