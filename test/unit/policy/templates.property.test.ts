/**
 * Issue 16: properties over the catalogue's whole ARN template grammar (several formats per type, `${}`
 * placeholders, the data's `*`, actions without resource types): a concrete ARN of any template of any
 * action is something the action can be requested on, so granting it outside the envelope is drift with a
 * real witness, and granting it inside is not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CatalogueAction } from '../../../src/policy/catalogue.ts';
import { actionCatalogue } from '../../../src/policy/catalogue.ts';
import { patternsIntersect } from '../../../src/policy/resourceMatch.ts';
import { compilePattern, compileTemplate } from '../../../src/policy/resourcePattern.ts';
import { docOf, drift, envelopeOf } from '../../helpers/policy.ts';
import { concreteArnArb } from '../../helpers/policyArbitraries.ts';

const PROPERTY_TIMEOUT_MS = 60_000;

const catalogue = actionCatalogue();
const withTemplates = catalogue.actions.filter((a) => a.resourceTemplates.length > 0);
// The parts of the grammar a random pick would rarely reach: each gets its own share of the runs.
const multiFormat = withTemplates.filter((a) =>
  a.resourceTemplates.some((t) => /:(apigateway|lex|greengrass):/.test(t) && a.resourceTemplates.length > 1),
);
const starTemplates = withTemplates.filter((a) =>
  a.resourceTemplates.some((t) => t.replace(/\$\{[^}]*\}/g, '').includes('*')),
);
const resourceLess = catalogue.actions.filter((a) => a.resourceTemplates.length === 0);

const pick = (list: readonly CatalogueAction[]) =>
  fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i] as CatalogueAction);
const actionArb = fc.oneof(pick(withTemplates), pick(multiFormat), pick(starTemplates), pick(resourceLess));

/** An action and a resource it can be requested on: an ARN of one of its templates, or `*` when it has none. */
const requestArb = actionArb.chain((action) =>
  action.resourceTemplates.length === 0
    ? fc.constant({ action, resource: '*' })
    : fc
        .constantFrom(...action.resourceTemplates)
        .chain((template) => concreteArnArb(template).map((resource) => ({ action, resource }))),
);

/** An envelope that grants something of another service only. */
const unrelated = envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

const isArnOf = (action: CatalogueAction, arn: string): boolean =>
  arn === '*'
    ? action.resourceTemplates.length === 0
    : action.resourceTemplates.some((t) =>
        patternsIntersect(compileTemplate(t, 'aws').tokens, compilePattern(arn, 'gen', false).tokens),
      );

describe('properties over the ARN template grammar', () => {
  it(
    'a concrete ARN of any template matches that template',
    () => {
      fc.assert(
        fc.property(requestArb, ({ action, resource }) => {
          expect(isArnOf(action, resource)).toBe(true);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'granting an action on an ARN of its type is drift against an envelope without it, and the witness is real',
    () => {
      fc.assert(
        fc.property(requestArb, ({ action, resource }) => {
          fc.pre(action.service !== 's3');
          const result = drift(
            docOf({ Effect: 'Allow', Action: action.name, Resource: resource }),
            unrelated,
          );
          expect(result.newAccess.map((w) => w.action)).toEqual([action.name]);
          expect(result.newAccess[0]?.resource).toBe(resource);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'granting it on a wildcard of its service gives an example that is an ARN of the action type',
    () => {
      fc.assert(
        fc.property(
          actionArb.filter((a) => a.resourceTemplates.length > 0 && a.service !== 's3'),
          (action) => {
            const resource = `arn:aws:${action.service}:*`;
            const result = drift(
              docOf({ Effect: 'Allow', Action: action.name, Resource: resource }),
              unrelated,
            );
            const [witness] = result.newAccess;
            // A template in another service's namespace (backup's ${Vendor}) is not reachable by this pattern.
            fc.pre(witness !== undefined);
            expect(witness?.example).toBeDefined();
            expect(isArnOf(action, witness?.example ?? '')).toBe(true);
          },
        ),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'granting it on the same ARN, on its type wildcard or on * within the envelope is no drift',
    () => {
      fc.assert(
        fc.property(requestArb, fc.constantFrom('same', 'star'), ({ action, resource }, how) => {
          const envelope = envelopeOf({
            Effect: 'Allow',
            Action: action.name,
            Resource: how === 'same' ? resource : '*',
          });
          const result = drift(docOf({ Effect: 'Allow', Action: action.name, Resource: resource }), envelope);
          expect(result.newAccess).toEqual([]);
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
