import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionCatalogue, actionSetOfPatterns } from '../../../src/policy/catalogue.ts';
import { compareToEnvelope } from '../../../src/policy/envelope.ts';
import { parsePolicyDocument } from '../../../src/policy/parse.ts';
import type { Json } from '../../helpers/policy.ts';
import { envelopeOf } from '../../helpers/policy.ts';
import { conditionArb, statementArb } from '../../helpers/policyArbitraries.ts';

/** A property run checks correctness, not speed: some generated documents take 300 ms on a loaded machine. */
const PROPERTY_TIMEOUT_MS = 60_000;

const asList = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : [value as string]);

/** Non-empty sub-list of a list, in random order. */
const subsetOf = (list: readonly string[]) =>
  fc.shuffledSubarray([...list], { minLength: 1 }).map((sub) => (sub.length === 1 ? sub[0] : sub));

const envelopeArb = fc.tuple(
  fc.array(statementArb({ effect: 'Allow', conditions: true }), { minLength: 1, maxLength: 4 }),
  fc.array(statementArb({ effect: 'Deny', negations: true, conditions: true }), { maxLength: 2 }),
);

describe('properties of the envelope comparison', () => {
  it(
    'a policy built from subsets of the envelope shows no drift',
    () => {
      fc.assert(
        fc.property(
          envelopeArb.chain(([allows, denies]) =>
            fc.tuple(
              fc.constant([...allows, ...denies]),
              fc.shuffledSubarray(allows, { minLength: 1 }).chain((picked) =>
                fc.tuple(
                  ...picked.map((s) =>
                    fc.record({
                      Effect: fc.constant('Allow'),
                      Action: subsetOf(asList(s.Action)),
                      Resource: subsetOf(asList(s.Resource)),
                      // The same condition, or one added where there was none: never looser.
                      ...(s.Condition ? { Condition: fc.constant(s.Condition) } : {}),
                    }),
                  ),
                ),
              ),
              fc.option(conditionArb, { nil: undefined }),
            ),
          ),
          ([envelopeStatements, subset, extraCondition]) => {
            const statements = (subset as Json[]).map((s, i) =>
              i === 0 && extraCondition && !s.Condition ? { ...s, Condition: extraCondition } : s,
            );
            // The envelope's Denies come along: without them the document would grant what the envelope denies.
            const denies = envelopeStatements.filter((s) => s.Effect === 'Deny');
            const doc = parsePolicyDocument(
              { Version: '2012-10-17', Statement: [...statements, ...denies] },
              'doc',
            );
            const result = compareToEnvelope(doc, envelopeOf(...envelopeStatements), { partition: 'aws' });
            expect(result.newAccess).toEqual([]);
          },
        ),
        { numRuns: 120 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'adding any statement outside the envelope shows drift, with that action as a witness',
    () => {
      const catalogue = actionCatalogue();
      fc.assert(
        fc.property(
          envelopeArb,
          fc.integer({ min: 0, max: catalogue.actions.length - 1 }),
          ([allows, denies], seed) => {
            const envelope = envelopeOf(...allows, ...denies);
            let granted = actionSetOfPatterns([]).set;
            for (const s of envelope.filter((x) => x.effect === 'Allow')) {
              const { set } = actionSetOfPatterns(s.actions.patterns);
              granted = granted.union(s.actions.negated ? set.complement() : set);
            }
            // The first catalogue action at or after `seed` that no envelope Allow names.
            const outside =
              [...granted.complement().indices()].find((i) => i >= seed) ??
              [...granted.complement().indices()][0];
            fc.pre(outside !== undefined);
            const action = catalogue.actions[outside as number];
            const doc = parsePolicyDocument(
              {
                Version: '2012-10-17',
                Statement: [...allows, { Effect: 'Allow', Action: action?.name, Resource: '*' }],
              },
              'doc',
            );
            const result = compareToEnvelope(doc, envelope, { partition: 'aws' });
            expect(result.newAccess.map((w) => w.action)).toContain(action?.name);
          },
        ),
        { numRuns: 120 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
