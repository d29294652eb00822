/**
 * Issue 16: every ARN format of every resource type is a template of its own (no blind spot on API Gateway,
 * Lex, Greengrass), witness examples are real ARNs of the action's resource type, and the comparison's cost
 * stays bounded by the documents' size (a work counter, never a clock).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clearPolicyCaches } from '../../../src/policy/cache.ts';
import committed from '../../../src/policy/catalogue.data.json' with { type: 'json' };
import { actionCatalogue } from '../../../src/policy/catalogue.ts';
import { diffPolicy } from '../../../src/policy/diff.ts';
import { parsePolicyDocument } from '../../../src/policy/parse.ts';
import {
  patternsIntersect,
  resetResourceSearchWork,
  resourceSearchWork,
} from '../../../src/policy/resourceMatch.ts';
import { compilePattern, compileTemplate } from '../../../src/policy/resourcePattern.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { docOf, drift, envelopeOf } from '../../helpers/policy.ts';

const objectsOnly = envelopeOf({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

/** Whether a concrete ARN is one of the action's resource types (matches one of its templates). */
function isArnOf(action: string, arn: string): boolean {
  const entry = actionCatalogue().byKey.get(action.toLowerCase());
  const concrete = compilePattern(arn, 'gen', false).tokens;
  return (entry?.resourceTemplates ?? []).some((t) =>
    patternsIntersect(compileTemplate(t, 'aws').tokens, concrete),
  );
}

describe('ARN templates of the catalogue', () => {
  it('hold one ARN format each: no ", " and never two arn: in one template', () => {
    const templates = Object.values(committed.resourceTypes).flat();
    expect(templates.length).toBeGreaterThan(2_300);
    for (const template of templates) {
      expect(template, template).not.toContain(', ');
      expect(`arn:\${Partition}:${template}`.match(/arn:/g), template).toHaveLength(1);
    }
  });

  it('give a type with two formats both (Lex v2 bot/ID and v1 bot:NAME)', () => {
    const templates = actionCatalogue().byKey.get('lex:deletebot')?.resourceTemplates ?? [];
    expect(templates).toContain(`arn:\${Partition}:lex:\${Region}:\${Account}:bot/\${BotId}`);
    expect(templates).toContain(`arn:\${Partition}:lex:\${Region}:\${Account}:bot:\${BotName}`);
  });

  it('read a * of the IAM data as any name (dms:…:endpoint:*), not as the character', () => {
    const template = compileTemplate(`arn:\${Partition}:dms:\${Region}:\${Account}:endpoint:*`, 'aws');
    const arn = compilePattern('arn:aws:dms:us-east-1:123456789012:endpoint:ABCD', 'gen', false);
    expect(patternsIntersect(template.tokens, arn.tokens)).toBe(true);
  });
});

describe('actions of resource types with two ARN formats (the issue 16 reproductions)', () => {
  it.each([
    ['lex:DeleteBot', 'arn:aws:lex:us-east-1:123456789012:bot/ABCDEF1234'],
    ['lex:DeleteBot', 'arn:aws:lex:us-east-1:123456789012:bot:MyBot'],
    ['lex:DeleteSlot', 'arn:aws:lex:us-east-1:123456789012:bot:*'],
    ['apigateway:GET', 'arn:aws:apigateway:us-east-1::/apis/abc/stages/prod'],
    ['apigateway:DELETE', 'arn:aws:apigateway:us-east-1::/apis/abc/deployments/d1'],
    ['greengrass:CancelDeployment', 'arn:aws:greengrass:us-east-1:123456789012:deployments:d1'],
  ])('%s on %s is new access, with a real ARN of the type as example', (action, resource) => {
    const doc = docOf({ Effect: 'Allow', Action: action, Resource: resource });
    const result = drift(doc, objectsOnly);
    expect(result.newAccess.map((w) => [w.action, w.resource])).toEqual([[action, resource]]);
    const diff = diffPolicy(doc, objectsOnly, { partition: 'aws' });
    expect(diff.verdict).toBe('different');
    const example = result.newAccess[0]?.example ?? resource;
    expect(example).not.toContain(', ');
    expect(isArnOf(action, example)).toBe(true);
  });

  it('give examples that read like ARNs of the type, not joined templates', () => {
    const result = drift(
      docOf({
        Effect: 'Allow',
        Action: 'apigateway:GET',
        Resource: 'arn:aws:apigateway:*::/apis/*/stages/*',
      }),
      objectsOnly,
    );
    expect(result.newAccess[0]?.example).toBe('arn:aws:apigateway:us-east-1::/apis/example/stages/example');
  });
});

describe('cost of a comparison, counted in product states (no clock)', () => {
  const text = readFileSync(new URL('./fixtures/viewonly-apigateway.json', import.meta.url), 'utf8');
  const { '//': _, ...raw } = JSON.parse(text) as Record<string, unknown>;
  const statement = parsePolicyDocument(raw, 'viewonly-apigateway.json');

  // Issue 16: 27,717 states (5.3 s) against an s3-only envelope before unions were split and searched steered.
  it.each([...exampleBaseline().roles.values()].map((role) => [role.name, role] as const))(
    'stays small for the API Gateway statement of ViewOnlyAccess against %s',
    (_name, role) => {
      clearPolicyCaches();
      resetResourceSearchWork();
      const result = diffPolicy(statement, role.statements, { partition: 'aws' });
      expect(result.newAccess.length).toBeGreaterThan(0);
      expect(resourceSearchWork.states).toBeLessThan(2_000);
      expect(resourceSearchWork.searches).toBeLessThan(300);
    },
  );
});
