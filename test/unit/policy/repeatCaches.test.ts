/**
 * What a replay meets again and again is decided once: the never-grant hits of a document (by its key), and
 * the folds of a judgement's grants. Both hand out results a caller may not spoil for the next one.
 */
import { describe, expect, it } from 'vitest';
import { clearPolicyCaches } from '../../../src/policy/cache.ts';
import { groupWitnesses } from '../../../src/policy/witnesses.ts';
import { neverGrantHitsOf } from '../../../src/rules/neverGrant.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { docOf, drift, envelopeOf } from '../../helpers/policy.ts';

describe('decided once per document', () => {
  const baseline = exampleBaseline();
  const everything = docOf({ Effect: 'Allow', Action: '*', Resource: '*' });

  it('never-grant hits: the same answer for the same key, a fresh one after the caches are cleared', () => {
    const first = neverGrantHitsOf({ key: 'doc-a', policy: everything }, baseline.neverGrant, 'aws');
    expect(first.map((h) => h.neverGrant)).toContain('neverGrant[0]');
    expect(neverGrantHitsOf({ key: 'doc-a', policy: everything }, baseline.neverGrant, 'aws')).toBe(first);
    // Another partition is another question.
    expect(neverGrantHitsOf({ key: 'doc-a', policy: everything }, baseline.neverGrant, 'aws-cn')).not.toBe(
      first,
    );
    clearPolicyCaches();
    const again = neverGrantHitsOf({ key: 'doc-a', policy: everything }, baseline.neverGrant, 'aws');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('folded grants: equal groups each time, in an array the caller may change, of groups it may not', () => {
    const result = drift(
      docOf({ Effect: 'Allow', Action: ['s3:*', 'iam:PassRole'], Resource: '*' }),
      envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    );
    const groups = groupWitnesses(result.grants);
    groups.pop();
    const again = groupWitnesses(result.grants);
    expect(again).toHaveLength(groups.length + 1);
    expect(() => {
      (again[0] as { reason: string }).reason = 'changed';
    }).toThrow(TypeError);
    expect(groupWitnesses(result.grants, false).length).toBeLessThanOrEqual(again.length);
  });
});
