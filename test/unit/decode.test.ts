import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventDecodeError } from '../../src/core/errors.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import type { Decoded } from '../../src/events/decode.ts';
import { bytesToText, decodeText } from '../../src/events/decode.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { corpus, corpusPath } from '../helpers/corpus.ts';
import { createUser, eventBridge, putRolePolicy } from '../helpers/records.ts';

const record = createUser('backdoor');
const decode = (text: string): Decoded[] => [...decodeText(text, 'input.json')];
const kinds = (items: Decoded[]) =>
  items.map((item) => (item.kind === 'record' ? item.record.eventName : `malformed ${item.reason}`));

describe('records at the edge of the format', () => {
  it('derives a stable id from the content of a record without eventID, whatever its key order', () => {
    const { eventID: _dropped, ...old } = createUser('legacy') as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(old).reverse());
    const [a] = decode(JSON.stringify(old));
    const [b] = decode(JSON.stringify(reordered));
    const [c] = decode(JSON.stringify({ ...old, sourceIPAddress: '192.0.2.1' }));
    expect(a?.kind === 'record' && a.record.eventID).toMatch(/^derived-[0-9a-f]{32}$/);
    expect(b?.kind === 'record' && b.record.eventID).toBe(a?.kind === 'record' && a.record.eventID);
    expect(c?.kind === 'record' && c.record.eventID).not.toBe(a?.kind === 'record' && a.record.eventID);
  });

  it('still refuses an eventID that is present but empty', () => {
    expect(kinds(decode(JSON.stringify({ ...createUser('x'), eventID: '' })))).toEqual([
      'malformed eventID: expected a non-empty string',
    ]);
  });

  it.each([['"None"'], ['"x"'], ['[]'], ['7']])('treats responseElements %s as absent', (raw) => {
    const [item] = decode(JSON.stringify({ ...createUser('x'), responseElements: JSON.parse(raw) }));
    expect(item?.kind === 'record' && item.record.responseElements).toBeNull();
  });

  it('skips an Insights event as not an API call, with its id', () => {
    const insight = {
      eventVersion: '1.07',
      eventTime: '2026-02-03T10:00:00Z',
      awsRegion: 'us-east-1',
      eventID: 'insight-1',
      eventType: 'AwsCloudTrailInsight',
      insightDetails: { state: 'Start', eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' },
    };
    expect(decode(JSON.stringify(insight))).toEqual([
      {
        kind: 'skipped',
        where: 'input.json',
        reason: 'not an API call (eventType "AwsCloudTrailInsight")',
        eventId: 'insight-1',
      },
    ]);
  });
});

describe('accepted input shapes', () => {
  it.each([
    ['a bare record', JSON.stringify(record), ['CreateUser']],
    ['an EventBridge envelope', JSON.stringify(eventBridge(record)), ['CreateUser']],
    ['a CloudTrail log file', JSON.stringify({ Records: [record, record] }), ['CreateUser', 'CreateUser']],
    [
      'a LookupEvents reply',
      JSON.stringify({ Events: [{ EventId: '1', CloudTrailEvent: JSON.stringify(record) }] }),
      ['CreateUser'],
    ],
    ['a JSON list of envelopes', JSON.stringify([eventBridge(record), record]), ['CreateUser', 'CreateUser']],
    [
      'JSON Lines',
      `${JSON.stringify(record)}\n\n${JSON.stringify(eventBridge(record))}\n`,
      ['CreateUser', 'CreateUser'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(kinds(decode(text))).toEqual(expected);
  });

  it('reads gzip whatever the file is called', () => {
    const bytes = gzipSync(JSON.stringify({ Records: [record] }));
    expect(kinds(decode(bytesToText(bytes, 'log.json')))).toEqual(['CreateUser']);
  });

  it.skipIf(!corpus)('reads the real EventBridge envelope of the corpus', () => {
    const text = readFileSync(corpusPath('target-events', 'eventbridge-RunInstances-flatiron.json'), 'utf8');
    const [item] = decode(text);
    expect(item).toMatchObject({
      kind: 'record',
      where: 'input.json.detail',
      record: { eventName: 'RunInstances' },
    });
  });
});

describe('malformed input', () => {
  it.each([
    ['an empty file', '', /^input\.json: empty input$/],
    ['only whitespace', ' \n\t ', /^input\.json: empty input$/],
    ['bad JSON', '{"Records": [', /^input\.json: not valid JSON \(/],
    [
      'a truncated pretty-printed file',
      '{\n  "Records": [\n    {"eventID": "1"',
      /^input\.json: not valid JSON/,
    ],
    ['a bare string', '"hello"', /^input\.json: expected a JSON object or array, got string$/],
    ['null', 'null', /^input\.json: expected a JSON object or array, got null$/],
  ])('%s is one clear error', (_name, text, message) => {
    expect(() => decode(text)).toThrow(EventDecodeError);
    expect(() => decode(text)).toThrow(message);
  });

  it('a corrupt gzip is one clear error', () => {
    const bytes = gzipSync(JSON.stringify({ Records: [record] })).subarray(0, 20);
    expect(() => bytesToText(bytes, 'log.json.gz')).toThrow(/^log\.json\.gz: corrupt or truncated gzip/);
  });

  it.each([
    ['Records that is not a list', { Records: null }, 'input.json.Records', 'expected a list of records'],
    [
      'a null record',
      { Records: [null] },
      'input.json.Records[0]',
      'record: expected a CloudTrail record (an object)',
    ],
    [
      'userIdentity null',
      { ...record, userIdentity: null },
      'input.json',
      'userIdentity: expected an object',
    ],
    [
      'requestParameters a string',
      { ...record, requestParameters: 'x' },
      'input.json',
      'requestParameters: expected an object or null',
    ],
    ['no eventTime', { ...record, eventTime: undefined }, 'input.json', 'eventTime: missing'],
    [
      'a non-ISO eventTime',
      { ...record, eventTime: 'Nov 20, 2026, 10:15:29 AM' },
      'input.json',
      'eventTime: expected an ISO 8601 time',
    ],
    [
      'an impossible date',
      { ...record, eventTime: '2026-13-45T10:15:29Z' },
      'input.json',
      'eventTime: expected an ISO 8601 time',
    ],
    [
      'a huge eventID',
      { ...record, eventID: 'e'.repeat(10_000) },
      'input.json',
      'eventID: longer than 128 characters',
    ],
    [
      'a non-CloudTrail EventBridge event',
      { 'detail-type': 'EC2 Instance State-change Notification', detail: {} },
      'input.json',
      'EventBridge event of detail-type "EC2 Instance State-change Notification" is not a CloudTrail API call',
    ],
    [
      'nested lists',
      [[record]],
      'input.json[0]',
      'expected a record, an envelope or a log file, got a nested list',
    ],
  ])('%s is listed with where and why', (_name, value, where, reason) => {
    expect(decode(JSON.stringify(value))).toEqual([
      expect.objectContaining({ kind: 'malformed', where, reason }),
    ]);
  });

  it('one bad record never stops the others', () => {
    const items = decode(JSON.stringify({ Records: [record, { eventID: 'x' }, 42, record] }));
    expect(items.map((item) => item.kind)).toEqual(['record', 'malformed', 'malformed', 'record']);
    expect(items[1]).toMatchObject({ where: 'input.json.Records[1]', eventId: 'x' });
  });

  it('one bad JSON line never stops the others', () => {
    const items = decode(`${JSON.stringify(record)}\n{oops\n${JSON.stringify(record)}`);
    expect(items.map((item) => item.kind)).toEqual(['record', 'malformed', 'record']);
    expect(items[1]).toMatchObject({
      where: 'input.json:2',
      reason: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('deep nesting is an error or a malformed item, never a crash', () => {
    const depth = 100_000;
    expect(decode(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toEqual([
      expect.objectContaining({ kind: 'malformed' }),
    ]);
    const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const items = decode(
      JSON.stringify({ ...record, requestParameters: { userName: 'deep' } }).replace(
        '"deep"}',
        `"deep","x":${deepObject}}`,
      ),
    );
    expect(items[0]?.kind).toBe('record');
  });
});

describe('malformed watched events are skipped with a reason', () => {
  const evaluateText = (value: unknown) => {
    const [item] = decode(JSON.stringify(value));
    if (item?.kind !== 'record') throw new Error('expected a record');
    return evaluate(item.record, exampleBaseline());
  };

  it.each([
    [
      'a policyDocument that is not JSON',
      putRolePolicy('XploreEC2Role', 'p', '{"Version": "2012-10-17", "Statement": ['),
      /^malformed PutRolePolicy: requestParameters\.policyDocument: not valid JSON/,
    ],
    [
      'a policyDocument with a bad Action',
      putRolePolicy('XploreEC2Role', 'p', { Statement: { Effect: 'Allow', Action: 3, Resource: '*' } }),
      /requestParameters\.policyDocument: Statement\.Action: expected a string or a non-empty list of strings$/,
    ],
    [
      'a huge policyDocument',
      putRolePolicy('XploreEC2Role', 'p', `{"Statement": [${'{},'.repeat(60_000)}{}]}`),
      /longer than 131072 characters/,
    ],
    [
      'a user name of 50 MB',
      createUser('x'.repeat(50_000_000)),
      /requestParameters\.userName: not a valid IAM name$/,
    ],
    [
      'CreateUser without userName',
      { ...createUser('a'), requestParameters: {} },
      /requestParameters\.userName: missing$/,
    ],
    [
      'CreateUser with null requestParameters',
      { ...createUser('a'), requestParameters: null },
      /requestParameters\.userName: missing$/,
    ],
  ])('%s', (_name, value, reason) => {
    const result = evaluateText(value);
    expect(result.kind).toBe('skipped');
    if (result.kind === 'skipped') expect(result.skip.reason).toMatch(reason);
  });

  it('accepts a URL-encoded policy document, as IAM Get* APIs return them', () => {
    const encoded = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      }),
    );
    const result = evaluateText(putRolePolicy('XploreEC2Role', 'p', encoded));
    expect(result.kind === 'evaluated' ? result.findings.map((f) => f.ruleId).sort() : result).toEqual([
      'iam.policy.drift',
      'iam.policy.never-grant',
      'iam.policy.wildcard',
    ]);
  });
});
