/** The boundary never throws anything but EventDecodeError, and the engine never throws on decoded records. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventDecodeError } from '../../src/core/errors.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { decodeText, decodeValue } from '../../src/events/decode.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { createAccessKey, createUser, modifyImds, putRolePolicy } from '../helpers/records.ts';

const seeds = [
  createUser('u'),
  createAccessKey('u'),
  putRolePolicy('XploreEC2Role', 'p', { Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }),
  modifyImds('i-0123456789abcdef0', { HttpTokens: 'optional' }),
];

/** A seed record with one field, at any depth we know, replaced by an arbitrary JSON value. */
const mutatedRecord = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.constantFrom(
      'eventID',
      'eventTime',
      'eventName',
      'awsRegion',
      'userIdentity',
      'requestParameters',
      'responseElements',
      'errorCode',
      'sourceIPAddress',
      'requestParameters.userName',
      'requestParameters.policyDocument',
      'requestParameters.ModifyInstanceMetadataOptionsRequest',
      'requestParameters.ModifyInstanceMetadataOptionsRequest.HttpPutResponseHopLimit',
      'responseElements.accessKey',
      'userIdentity.sessionContext',
    ),
    fc.jsonValue(),
  )
  .map(([seed, path, value]) => {
    const copy = structuredClone(seed) as Record<string, unknown>;
    const keys = path.split('.');
    let target: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys.at(-1) as string] = value;
    return copy;
  });

describe('decoder and engine under arbitrary input', () => {
  it('decodeValue yields records or malformed items for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const item of decodeValue(value, 'fuzz'))
          expect(['record', 'skipped', 'malformed']).toContain(item.kind);
      }),
    );
  });

  it('decodeText throws only EventDecodeError for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          for (const item of decodeText(text, 'fuzz'))
            expect(['record', 'skipped', 'malformed']).toContain(item.kind);
        } catch (error) {
          expect(error).toBeInstanceOf(EventDecodeError);
        }
      }),
    );
  });

  it('evaluate never throws on a record the boundary accepted', () => {
    const baseline = exampleBaseline();
    fc.assert(
      fc.property(mutatedRecord, (value) => {
        for (const item of decodeValue(value, 'fuzz')) {
          if (item.kind !== 'record') continue;
          const result = evaluate(item.record, baseline);
          expect(['evaluated', 'skipped']).toContain(result.kind);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
