/**
 * The byte prefilter may only skip the parse: whatever it decides, a file's counts and malformed entries are
 * the ones the full parse gives. Checked on every file of the real corpus and on the shapes that must fall
 * back to the parse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quickCount } from '../../../src/replay/prefilter.ts';
import type { ScanSettings } from '../../../src/replay/scan.ts';
import { scanBytes } from '../../../src/replay/scan.ts';
import { RULES } from '../../../src/rules/index.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import { createUser, record } from '../../helpers/records.ts';
import { corpus, corpusPath } from '../../helpers/replay.ts';

const base = (extra: Partial<ScanSettings> = {}): ScanSettings => ({
  baseline: exampleBaseline(),
  rules: RULES,
  ...extra,
});
const describeCall = (extra: Record<string, unknown> = {}) => ({
  ...record({ eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com', requestParameters: null }),
  ...extra,
});
const gz = (value: unknown) => gzipSync(JSON.stringify(value));

function agree(bytes: Uint8Array, extra: Partial<ScanSettings> = {}) {
  const quick = scanBytes(bytes, 'f.json.gz', base(extra));
  const parsed = scanBytes(bytes, 'f.json.gz', base({ ...extra, parseEverything: true }));
  expect(quick).toEqual(parsed);
  return quick;
}

describe('quickCount', () => {
  it('counts a compact log file of unwatched events without parsing it', () => {
    const file = Buffer.from(JSON.stringify({ Records: [describeCall(), describeCall(), describeCall()] }));
    expect(quickCount(file)).toEqual({ records: 3, outOfRange: 0 });
    expect(quickCount(file, Date.parse('2030-01-01T00:00:00Z'))).toEqual({ records: 3, outOfRange: 3 });
  });

  it.each([
    ['a watched event', { Records: [describeCall(), createUser('x')] }],
    ['a record without eventTime', { Records: [describeCall({ eventTime: undefined })] }],
    ['a time that is not ISO 8601', { Records: [describeCall({ eventTime: '2022-09-27 17:09:18' })] }],
    [
      'an Insights event',
      {
        Records: [
          { eventVersion: '1.07', eventTime: '2026-01-01T00:00:00Z', eventType: 'AwsCloudTrailInsight' },
        ],
      },
    ],
    ['another layout', [describeCall()]],
    ['a name with an escape', { Records: [describeCall({ eventName: 'Describe\\"Instances' })] }],
  ])('sends %s to the parse', (_name, value) => {
    expect(quickCount(Buffer.from(JSON.stringify(value)))).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a number', 7],
    ['a string', 'x'],
    ['an empty object', {}],
    ['fields in another order', { eventTime: '2026-01-01T00:00:00Z', eventVersion: '1.08' }],
  ])(
    'sends a file with %s among its elements to the parse (an empty object after a record excepted)',
    (_name, odd) => {
      expect(quickCount(Buffer.from(JSON.stringify({ Records: [odd, describeCall()] })))).toBeUndefined();
      // The documented blind spot: an object with none of the record fields, after a record.
      const blind = typeof odd === 'object' && odd !== null && Object.keys(odd).length === 0;
      for (const records of [
        [describeCall(), odd],
        [describeCall(), odd, describeCall()],
      ])
        expect(quickCount(Buffer.from(JSON.stringify({ Records: records }))) === undefined).toBe(!blind);
    },
  );

  it('counts an empty log', () => {
    expect(quickCount(Buffer.from('{"Records":[]}\n'))).toEqual({ records: 0, outOfRange: 0 });
  });

  it('sends a file naming a watched event only in a nested field to the parse, which decides', () => {
    const nested = describeCall({ requestParameters: { eventName: 'PutRolePolicy' } });
    expect(quickCount(Buffer.from(JSON.stringify({ Records: [nested] })))).toBeUndefined();
  });
});

describe('scanBytes with the prefilter', () => {
  it('gives what the full parse gives, for any mix of records and bounds', () => {
    const recordArb = fc.oneof(
      fc.constant(describeCall()),
      fc.constant(createUser('backdoor')),
      fc.constant(describeCall({ eventTime: '2022-09-27 17:09:18' })),
      fc.constant(describeCall({ eventName: undefined })),
      fc.constant(describeCall({ eventID: undefined })),
      fc.constant({
        eventVersion: '1.07',
        eventTime: '2026-02-03T10:00:00Z',
        eventID: 'i',
        eventType: 'AwsCloudTrailInsight',
      }),
      fc
        .date({ min: new Date('2010-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
        .map((d) => describeCall({ eventTime: d.toISOString().replace(/\.\d+Z$/, 'Z') })),
    );
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 12 }),
        fc.option(fc.integer({ min: Date.parse('2015-01-01'), max: Date.parse('2028-01-01') }), {
          nil: undefined,
        }),
        (records, since) => {
          agree(gz({ Records: records }), since === undefined ? {} : { since, until: since + 5e10 });
        },
      ),
      { numRuns: 150 },
    );
  });

  it.skipIf(!corpus)('gives what the full parse gives on every file of the real trail', () => {
    const dir = corpusPath('cloudtrail-tracker');
    let skipped = 0;
    const files = readdirSync(dir).filter((f) => f.endsWith('.json.gz'));
    for (const name of files) {
      const raw = readFileSync(`${dir}/${name}`);
      const result = agree(raw, { since: Date.parse('2018-01-28T00:00:00Z') });
      if (quickCount(gunzipSync(raw))) skipped++;
      expect(result.malformed).toEqual([]);
    }
    // Almost every file of a real trail is counted from its bytes.
    expect(skipped / files.length).toBeGreaterThan(0.9);
  });
});
