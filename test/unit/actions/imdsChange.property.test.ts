/**
 * The never-loosen rule of enforce-imdsv2, as properties: whatever the instance has and whatever its profile
 * allows, the action's hop limit is never above the current one nor above the maximum, and it sets tokens
 * exactly when the target asks for them. Then the same through the rules: what a finding proposes, applied to
 * any current instance, never loosens it, even when its profile could not be decided.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CurrentImds } from '../../../src/actions/imdsChange.ts';
import { planImdsChange } from '../../../src/actions/imdsChange.ts';
import type { Baseline, ImdsProfile } from '../../../src/baseline/baseline.ts';
import type { InstanceTags } from '../../../src/core/knowledge.ts';
import type { ImdsTarget } from '../../../src/core/types.ts';
import { evaluate } from '../../../src/engine/evaluate.ts';
import { knowledgeWith, NO_KNOWLEDGE } from '../../../src/engine/knowledge.ts';
import { checkRecord } from '../../../src/events/record.ts';
import { decideProfile, loosest, strictest } from '../../../src/rules/imdsProfile.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { modifyImds } from '../../helpers/records.ts';

const hop = fc.integer({ min: 1, max: 64 });
const currentArb: fc.Arbitrary<CurrentImds> = fc.record(
  {
    httpTokens: fc.constantFrom('optional', 'required'),
    hopLimit: hop,
    httpEndpoint: fc.constantFrom('enabled', 'disabled'),
  },
  { requiredKeys: [] },
);
const targetArb: fc.Arbitrary<ImdsTarget> = fc.record({
  instanceId: fc.constant('i-0123456789abcdef0'),
  httpTokens: fc.constantFrom('required' as const, 'keep' as const),
  maxHopLimit: hop,
});

describe('planImdsChange: never loosens', () => {
  it('the hop limit it sets is never above the current one nor above the maximum', () => {
    fc.assert(
      fc.property(currentArb, targetArb, (current, target) => {
        const change = planImdsChange(current, target);
        const currentHop = current.hopLimit ?? 1;
        if (change.kind === 'modify') {
          expect(change.hopLimit).toBeLessThanOrEqual(currentHop);
          expect(change.hopLimit).toBeLessThanOrEqual(target.maxHopLimit);
          // Kept when within the maximum, brought to the maximum when above.
          expect(change.hopLimit).toBe(Math.min(currentHop, target.maxHopLimit));
          expect(change.httpTokens).toBe(
            target.httpTokens === 'required' ? 'required' : (current.httpTokens ?? 'optional'),
          );
          // A change changes something.
          expect(
            change.httpTokens !== change.from.httpTokens || change.hopLimit !== change.from.hopLimit,
          ).toBe(true);
        }
        if (change.kind === 'compliant') {
          expect(change.hopLimit).toBeLessThanOrEqual(target.maxHopLimit);
          if (target.httpTokens === 'required') expect(change.httpTokens).toBe('required');
        }
        if (current.httpEndpoint === 'disabled') expect(change.kind).toBe('endpoint-disabled');
      }),
    );
  });
});

/** Profiles over a small tag vocabulary, so generated tags match some of them. */
const tagsArb: fc.Arbitrary<InstanceTags> = fc.dictionary(
  fc.constantFrom('role', 'team'),
  fc.constantFrom('containers', 'web'),
  { maxKeys: 2 },
);
const profileArb = (index: number): fc.Arbitrary<ImdsProfile> =>
  fc
    .record({
      tags: tagsArb,
      byId: fc.boolean(),
      httpTokens: fc.constantFrom('required' as const, 'optional' as const),
      maxHopLimit: hop,
    })
    .filter((p) => p.byId || Object.keys(p.tags).length > 0)
    .map((p) => ({
      path: `imds.profiles[${index}]`,
      name: `p${index}`,
      tags: p.tags,
      instanceIds: p.byId ? ['i-0123456789abcdef0'] : [],
      httpTokens: p.httpTokens,
      maxHopLimit: p.maxHopLimit,
    }));
const baselineArb: fc.Arbitrary<Baseline> = fc
  .tuple(hop, fc.integer({ min: 0, max: 3 }))
  .chain(([max, count]) =>
    fc.tuple(fc.constant(max), fc.tuple(...Array.from({ length: count }, (_, i) => profileArb(i)))),
  )
  .map(([maxHopLimit, profiles]) => {
    const base = exampleBaseline();
    return { ...base, imds: { ...base.imds, maxHopLimit, hopLimit: 1, profiles } };
  });

describe('IMDS profiles: what an unknown tag set may mean', () => {
  it('judged strictly, remediated loosely: the real profile always lies between', () => {
    fc.assert(
      fc.property(baselineArb, tagsArb, fc.boolean(), (baseline, tags, listed) => {
        const instanceId = listed ? 'i-0123456789abcdef0' : 'i-0fedcba9876543210';
        const known = decideProfile(baseline, {
          instanceId,
          tags: { known: true, value: tags, source: 'ec2' },
        });
        const unknown = decideProfile(baseline, { instanceId, tags: { known: false, why: 'offline' } });
        expect(known.decided).toBe(true);
        const real = strictest(known);
        expect(strictest(unknown).maxHopLimit).toBeLessThanOrEqual(real.maxHopLimit);
        expect(loosest(unknown).maxHopLimit).toBeGreaterThanOrEqual(real.maxHopLimit);
        if (real.httpTokens === 'required') expect(strictest(unknown).httpTokens).toBe('required');
        if (real.httpTokens === 'optional') expect(loosest(unknown).httpTokens).toBe('optional');
      }),
    );
  });

  it('a finding proposes nothing that, applied to any instance, raises its hop limit or lowers it below its profile', () => {
    fc.assert(
      fc.property(
        baselineArb,
        tagsArb,
        fc.boolean(),
        fc.constantFrom('optional', 'required'),
        hop,
        currentArb,
        (baseline, tags, tagsKnown, tokens, recordedHop, current) => {
          const json = modifyImds(
            'i-0123456789abcdef0',
            { HttpTokens: tokens, HttpPutResponseHopLimit: recordedHop },
            { httpTokens: tokens, httpPutResponseHopLimit: recordedHop, httpEndpoint: 'enabled' },
          );
          const checked = checkRecord(json);
          if (!checked.ok) throw new Error(checked.reason);
          const knowledge = tagsKnown
            ? knowledgeWith({ instanceTags: () => ({ known: true, value: tags, source: 'ec2' }) })
            : NO_KNOWLEDGE;
          const result = evaluate(checked.record, baseline, { knowledge });
          if (result.kind !== 'evaluated') throw new Error(result.skip.reason);
          // One finding per instance and event, at most.
          expect(result.findings.length).toBeLessThanOrEqual(1);
          const real = strictest(
            decideProfile(baseline, {
              instanceId: 'i-0123456789abcdef0',
              tags: { known: true, value: tags, source: 'ec2' },
            }),
          );
          for (const finding of result.findings) {
            const remediation = finding.remediation;
            if (remediation?.action !== 'enforce-imdsv2') continue;
            for (const target of remediation.params.instances) {
              const change = planImdsChange(current, target);
              if (change.kind !== 'modify') continue;
              expect(change.hopLimit).toBeLessThanOrEqual(current.hopLimit ?? 1);
              // Never below what the instance's real profile allows, unless it was already below.
              expect(change.hopLimit).toBeGreaterThanOrEqual(
                Math.min(current.hopLimit ?? 1, real.maxHopLimit),
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
