/**
 * The `accessKeys` fact for the Lambda functions: a user's keys read from IAM (ListAccessKeys) right before the
 * record is judged. Keys change, so an answer is kept only briefly (a burst of key events for one user reads
 * IAM once); what IAM refuses (AccessDenied, the user gone) is an unknown fact with the reason, never "no keys".
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import type { AccessKeyFact, Known } from '../core/knowledge.ts';
import type { FactLoaders } from './prefetched.ts';

/** The IAM calls this loader makes: the iam-events role is granted exactly these (test/infra checks). */
export const IAM_KEYS_PERMISSIONS = ['iam:ListAccessKeys'] as const;

const TTL_MS = 10_000;
/** Users kept at once: key events are rare, and user names come from events (attacker-controlled). */
const MAX_USERS = 256;

export interface AccessKeysLoaderOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export function accessKeysLoader(
  iam: IAMClient,
  options: AccessKeysLoaderOptions = {},
): NonNullable<FactLoaders['accessKeys']> {
  const ttl = options.ttlMs ?? TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { readonly at: number; readonly answer: Known<readonly AccessKeyFact[]> }>();
  return async ({ userName }) => {
    const key = userName.toLowerCase();
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.answer;
    const keys: AccessKeyFact[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }));
      for (const k of page.AccessKeyMetadata ?? []) {
        if (!k.AccessKeyId || (k.Status !== 'Active' && k.Status !== 'Inactive')) continue;
        keys.push({
          accessKeyId: k.AccessKeyId,
          status: k.Status,
          ...(k.CreateDate ? { createDate: k.CreateDate.toISOString() } : {}),
        });
      }
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    const answer: Known<readonly AccessKeyFact[]> = { known: true, source: 'iam', value: keys };
    cache.delete(key);
    cache.set(key, { at: now(), answer });
    // Oldest first: Map keeps insertion order.
    while (cache.size > MAX_USERS) cache.delete(cache.keys().next().value as string);
    return answer;
  };
}
