/** IAM's URL-encoded documents, decoded by the one decoder the Lambda loaders, the replay and the scan share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeIamDocument, iamReplyDocument } from '../../../src/policy/parse.ts';

const documentText = fc
  .record({
    Version: fc.constant('2012-10-17'),
    Statement: fc.array(
      fc.record({
        Effect: fc.constantFrom('Allow', 'Deny'),
        // Any text, "%" and non-ASCII included: a document may say what it likes in a Sid or a condition.
        Sid: fc.string({ unit: 'grapheme' }),
        Action: fc.string(),
        Resource: fc.string(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((document) => JSON.stringify(document));

describe('decodeIamDocument', () => {
  it('gives back the JSON text, whether IAM URL-encoded it or it came as JSON', () => {
    fc.assert(
      fc.property(documentText, (text) => {
        expect(decodeIamDocument(encodeURIComponent(text))).toBe(text);
        // Plain JSON is never decoded: "%41" in a Sid stays "%41".
        expect(decodeIamDocument(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('returns text that does not decode as it is, and names a reply without a document', () => {
    expect(decodeIamDocument('%E0%A4%A')).toBe('%E0%A4%A');
    expect(() => iamReplyDocument(undefined, 'role r policy p')).toThrow(
      'role r policy p: IAM returned no document',
    );
  });
});
