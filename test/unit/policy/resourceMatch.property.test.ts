/**
 * The quick pattern tests every comparison runs before a search (patternsDisjoint, patternsIntersect) against
 * a reference: glob matching of a concrete resource. Patterns share the ARN head `arn:aws:s3:::` and differ in
 * the resource segment, where `*` spans anything and `?` is one character, as IAM reads them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonResource, patternsDisjoint, patternsIntersect } from '../../../src/policy/resourceMatch.ts';
import { compilePattern } from '../../../src/policy/resourcePattern.ts';

const HEAD = 'arn:aws:s3:::';
const tokens = (resource: string) => compilePattern(HEAD + resource, 'gen', false).tokens;

/** Whether a concrete resource segment matches a glob resource segment. */
function globMatches(glob: string, resource: string): boolean {
  const source = [...glob]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[/]/g, '\\/')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(resource);
}

const concrete = fc.string({ unit: fc.constantFrom('a', 'b', '/'), minLength: 1, maxLength: 8 });

/** A pattern that matches `resource`: some characters become `?`, some runs become `*`. */
function patternOf(resource: string) {
  return fc
    .array(fc.constantFrom('keep', 'keep', 'one', 'star', 'drop'), {
      minLength: resource.length,
      maxLength: resource.length,
    })
    .map((edits) => {
      let out = '';
      edits.forEach((edit, i) => {
        const c = resource[i] as string;
        if (edit === 'keep') out += c;
        else if (edit === 'one') out += '?';
        else if (edit === 'star') out += out.endsWith('*') ? '' : '*';
        else if (!out.endsWith('*')) out += '*';
      });
      return out;
    });
}

const glob = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '?'), minLength: 0, maxLength: 7 });

describe('pattern quick tests against glob matching', () => {
  it('two patterns matching one same resource intersect, and are never called disjoint', () => {
    fc.assert(
      fc.property(
        concrete.chain((r) => fc.tuple(fc.constant(r), patternOf(r), patternOf(r))),
        ([resource, a, b]) => {
          expect(globMatches(a, resource) && globMatches(b, resource)).toBe(true);
          expect(patternsDisjoint(tokens(a), tokens(b))).toBe(false);
          expect(patternsIntersect(tokens(a), tokens(b))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any two patterns: intersecting means a common resource both match; disjoint means none', () => {
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        const meet = patternsIntersect(tokens(a), tokens(b));
        // Asked in either order, and again after other calls (the search reuses its buffers), the same answer.
        expect(patternsIntersect(tokens(b), tokens(a))).toBe(meet);
        const common = commonResource(tokens(a), tokens(b));
        expect(common !== null).toBe(meet);
        if (common) {
          // "Any other character" (a character neither pattern names) is written x here.
          const resource = common.join('').slice(HEAD.length).replaceAll('\u0000', 'x');
          expect(globMatches(a, resource) && globMatches(b, resource)).toBe(true);
        }
        if (patternsDisjoint(tokens(a), tokens(b))) expect(meet).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
