/**
 * The baseline's `neverGrant` statements against a policy document (iam.policy.never-grant), with the exact
 * engine of iam.policy.drift: a document breaks a never-grant statement when it allows some request that the
 * statement matches. `compareToEnvelope` answers "what does the document allow that the envelope does not", so
 * each never-grant statement becomes the envelope "everything, except this statement" (Allow `*` on `*`, and the
 * statement as a Deny): what the document allows outside it is exactly what it allows inside the statement.
 *
 * Conditions lean towards reporting: a condition on the document's Allow is ignored (it may hold), and a
 * never-grant statement with a condition counts as always matching.
 *
 * Pure, and over plain documents, so every caller judges alike: the rule on each path to a permission, and a
 * scan of the account's current policies (which can call `neverGrantHits` on each document it reads, or
 * evaluate records it synthesises through the rule).
 */

import { BoundedCache, CACHE_LIMITS } from '../policy/cache.ts';
import type { Witness } from '../policy/envelope.ts';
import { compareToEnvelope } from '../policy/envelope.ts';
import type { NormalizedStatement, PolicyDocument } from '../policy/parse.ts';

/** One request family a document allows that a never-grant statement matches. */
export interface NeverGrantHit extends Witness {
  /** The never-grant statement it breaks: its baseline path (`neverGrant[0]`) and Sid when it has one. */
  readonly neverGrant: string;
  readonly sid?: string;
}

const ALLOW_EVERYTHING: NormalizedStatement = {
  path: 'neverGrant',
  effect: 'Allow',
  actions: { negated: false, patterns: ['*'] },
  resources: { negated: false, patterns: ['*'] },
  condition: null,
};

/**
 * The envelope of each never-grant statement, built once per baseline list (the engine prepares an envelope
 * once per array it is given, so the same array must come back).
 */
const envelopes = new WeakMap<readonly NormalizedStatement[], readonly NormalizedStatement[][]>();

function envelopesOf(neverGrant: readonly NormalizedStatement[]): readonly NormalizedStatement[][] {
  let built = envelopes.get(neverGrant);
  if (!built) {
    built = neverGrant.map((statement) => [ALLOW_EVERYTHING, { ...statement, effect: 'Deny' }]);
    envelopes.set(neverGrant, built);
  }
  return built;
}

/** Every (action, resource pattern) of the document that a never-grant statement matches, per statement. */
export function neverGrantHits(
  document: PolicyDocument,
  neverGrant: readonly NormalizedStatement[],
  partition?: string,
): NeverGrantHit[] {
  const hits: NeverGrantHit[] = [];
  const built = envelopesOf(neverGrant);
  for (const [index, statement] of neverGrant.entries()) {
    const envelope = built[index] as NormalizedStatement[];
    const result = compareToEnvelope(document, envelope, {
      ...(partition ? { partition } : {}),
      envelopeName: 'never-grant list',
    });
    for (const witness of result.newAccess) {
      hits.push({
        ...witness,
        neverGrant: statement.path,
        ...(statement.sid ? { sid: statement.sid } : {}),
      });
    }
  }
  return hits;
}

/** Hits per never-grant list (the baseline's), per partition and document text: a replay meets one document often. */
const hitsCache = new WeakMap<
  readonly NormalizedStatement[],
  BoundedCache<string, readonly NeverGrantHit[]>
>();

/**
 * neverGrantHits for a document with a key (equal keys, equal documents: policyAnalysis's GainedDocument),
 * decided once per key: each never-grant statement is a whole comparison, `Action: "*"` against five of them
 * about 15 ms each, and a replay of a seed's set-up puts the same documents again and again.
 */
export function neverGrantHitsOf(
  document: { readonly key: string; readonly policy: PolicyDocument },
  neverGrant: readonly NormalizedStatement[],
  partition?: string,
): readonly NeverGrantHit[] {
  let cache = hitsCache.get(neverGrant);
  if (!cache) {
    cache = new BoundedCache(CACHE_LIMITS.analyses);
    hitsCache.set(neverGrant, cache);
  }
  return cache.getOrSet(`${partition ?? ''}\u0000${document.key}`, () =>
    neverGrantHits(document.policy, neverGrant, partition),
  );
}
