import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalPolicy, policyHash } from '../../../src/policy/canonical.ts';
import { compareToEnvelope } from '../../../src/policy/envelope.ts';
import { parsePolicyDocument } from '../../../src/policy/parse.ts';
import type { Json } from '../../helpers/policy.ts';
import { documentArb } from '../../helpers/policyArbitraries.ts';

/** A property run checks correctness, not speed: some generated documents take 300 ms on a loaded machine. */
const PROPERTY_TIMEOUT_MS = 60_000;

const hash = (doc: Json | string): string => policyHash(parsePolicyDocument(doc, 'doc'));
const bucket = 'arn:aws:s3:::assets';
const base = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${bucket}/*` },
    { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket },
    { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
  ],
};

describe('canonical form and hash', () => {
  it.each<[string, Json | string]>([
    ['statements reordered', { ...base, Statement: [...base.Statement].reverse() }],
    [
      'Sids changed or dropped',
      {
        ...base,
        Statement: base.Statement.map(({ Sid: _sid, ...rest }: Json) => ({ ...rest, Sid: 'Other' })),
      },
    ],
    [
      'action case',
      {
        ...base,
        Statement: base.Statement.map((s: Json) => ({
          ...s,
          Action:
            typeof s.Action === 'string'
              ? s.Action.toUpperCase()
              : (s.Action as string[]).map((a) => a.toLowerCase()),
        })),
      },
    ],
    [
      'duplicates',
      {
        ...base,
        Statement: [
          ...base.Statement,
          base.Statement[0],
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObject'],
            Resource: [`${bucket}/*`, `${bucket}/*`],
          },
        ],
      },
    ],
    [
      'string vs list',
      {
        ...base,
        Statement: [
          ...base.Statement.slice(0, 2),
          { Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: ['*'] },
        ],
      },
    ],
    [
      'statements split per action',
      {
        ...base,
        Statement: [
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/*` },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: `${bucket}/*` },
          ...base.Statement.slice(1),
        ],
      },
    ],
    [
      'a redundant narrower statement',
      {
        ...base,
        Statement: [
          ...base.Statement,
          { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucket}/users/*` },
        ],
      },
    ],
    [
      'the ARN head in upper case',
      {
        ...base,
        Statement: [
          ...base.Statement,
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'ARN:AWS:S3:::assets' },
        ],
      },
    ],
    ['URL-encoded, as IAM Get* APIs return it', encodeURIComponent(JSON.stringify(base))],
  ])('same hash when only %s', (_name, variant) => {
    expect(hash(variant)).toBe(hash(base));
  });

  it.each<[string, Json]>([
    [
      'an action added',
      {
        ...base,
        Statement: [...base.Statement, { Effect: 'Allow', Action: 's3:PutBucketPolicy', Resource: bucket }],
      },
    ],
    ['a Deny removed', { ...base, Statement: base.Statement.slice(0, 2) }],
    [
      'a resource widened',
      { ...base, Statement: [{ ...base.Statement[0], Resource: `${bucket}*` }, ...base.Statement.slice(1)] },
    ],
    [
      'a Condition added',
      {
        ...base,
        Statement: [
          { ...base.Statement[0], Condition: { Bool: { 'aws:SecureTransport': 'true' } } },
          ...base.Statement.slice(1),
        ],
      },
    ],
    [
      'the object key case (resource ids are case-sensitive)',
      {
        ...base,
        Statement: [
          { ...base.Statement[0], Resource: 'arn:aws:s3:::assets/Users/*' },
          ...base.Statement.slice(1),
        ],
      },
    ],
    ['no Version (policy variables off)', { Statement: base.Statement }],
  ])('a different hash when %s', (_name, variant) => {
    expect(hash(variant)).not.toBe(hash(base));
  });

  it('writes one statement per effect, condition and resource list, with sorted lower-case actions', () => {
    expect(canonicalPolicy(parsePolicyDocument(base, 'doc'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:getobject', 's3:putobject'], Resource: ['arn:aws:s3:::assets/*'] },
        { Effect: 'Allow', Action: ['s3:listbucket'], Resource: ['arn:aws:s3:::assets'] },
        { Effect: 'Deny', Action: ['s3:deleteobject'], Resource: ['*'] },
      ],
    });
    expect(hash(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it(
    'is idempotent (property)',
    () => {
      fc.assert(
        fc.property(documentArb({ negations: true, conditions: true }), (raw) => {
          const once = canonicalJson(parsePolicyDocument(raw, 'doc'));
          expect(canonicalJson(parsePolicyDocument(once, 'canonical'))).toBe(once);
        }),
        { numRuns: 150 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'preserves what is granted: no drift either way between a document and its canonical form (property)',
    () => {
      fc.assert(
        fc.property(documentArb({ negations: true, conditions: true }), (raw) => {
          const doc = parsePolicyDocument(raw, 'doc');
          const canonical = parsePolicyDocument(canonicalJson(doc), 'canonical');
          expect(compareToEnvelope(canonical, doc.statements, { partition: 'aws' }).newAccess).toEqual([]);
          expect(compareToEnvelope(doc, canonical.statements, { partition: 'aws' }).newAccess).toEqual([]);
        }),
        { numRuns: 40 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
