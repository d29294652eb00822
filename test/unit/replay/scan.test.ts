import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offlineKnowledge } from '../../../src/knowledge/offline.ts';
import type { ScanSettings } from '../../../src/replay/scan.ts';
import { scanBytes, scanValues } from '../../../src/replay/scan.ts';
import { RULES } from '../../../src/rules/index.ts';
import { exampleBaseline } from '../../helpers/baseline.ts';
import {
  createAccessKey,
  createUser,
  eventBridge,
  identities,
  modifyImds,
  record,
} from '../../helpers/records.ts';
import { CORPUS_MISSING, corpus, corpusPath } from '../../helpers/replay.ts';

const settings = (extra: Partial<ScanSettings> = {}): ScanSettings => ({
  baseline: exampleBaseline(),
  rules: RULES,
  knowledge: offlineKnowledge().knowledge(),
  ...extra,
});

const describeSilently = record({
  eventName: 'DescribeInstances',
  eventSource: 'ec2.amazonaws.com',
  requestParameters: null,
});
const unexpectedUser = createUser('backdoor', { eventTime: '2026-02-01T00:00:00Z' });
const bytes = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));

describe('scanBytes', () => {
  it('evaluates watched events and only counts the others', () => {
    const result = scanBytes(
      gzipSync(bytes({ Records: [describeSilently, unexpectedUser] })),
      'a.json.gz',
      settings(),
    );
    expect(result.records).toBe(2);
    expect(result.malformed).toEqual([]);
    expect(result.watched).toHaveLength(1);
    const [watched] = result.watched;
    expect(watched?.where).toBe('Records[1]');
    expect(watched?.outcome.kind === 'evaluated' && watched.outcome.findings.map((f) => f.ruleId)).toEqual([
      'iam.user.unexpected',
    ]);
  });

  it('lists a record without eventTime or with a non-ISO time, and goes on', () => {
    const { eventTime: _dropped, ...noTime } = createUser('a') as Record<string, unknown>;
    const spaced = { ...createUser('b'), eventTime: '2022-09-27 17:09:18' };
    const result = scanBytes(bytes({ Records: [noTime, spaced, unexpectedUser] }), 'f.json', settings());
    expect(result.malformed).toEqual([
      { file: 'f.json', where: 'Records[0]', reason: 'eventTime: missing', eventId: expect.any(String) },
      {
        file: 'f.json',
        where: 'Records[1]',
        reason: 'eventTime: expected an ISO 8601 time',
        eventId: expect.any(String),
      },
    ]);
    expect(result.watched).toHaveLength(1);
    expect(result.records).toBe(3);
  });

  it('counts records that are not API calls without listing them, and evaluates records without eventID', () => {
    const file = readFileSync(new URL('../../fixtures/records/boundary-records.json', import.meta.url));
    const result = scanBytes(file, 'boundary.json', settings());
    expect(result.malformed).toEqual([]);
    expect(result.records).toBe(5);
    // Records[2] has no eventID (eventVersion 1.0), Records[3] has responseElements "None".
    expect(result.watched.map((w) => w.where)).toEqual(['Records[2]', 'Records[3]']);
    expect(result.watched[0]?.eventId).toMatch(/^derived-[0-9a-f]{32}$/);
    // The same record read again gets the same id, so a second delivery deduplicates.
    expect(scanBytes(file, 'again.json', settings()).watched[0]?.eventId).toBe(result.watched[0]?.eventId);
  });

  it.each([
    [
      'truncated gzip',
      gzipSync(bytes({ Records: [unexpectedUser] })).subarray(0, 40),
      /^corrupt or truncated gzip/,
    ],
    [
      'corrupt gzip',
      Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      /^corrupt or truncated gzip/,
    ],
    ['not JSON', Buffer.from('Apache License\nVersion 2.0\n'), /^not valid JSON/],
    ['empty', Buffer.from('  \n'), /^empty input$/],
    ['a scalar', Buffer.from('42'), /^expected a JSON object or array, got number$/],
  ])('lists the file as a whole when it is %s', (_name, input, reason) => {
    const result = scanBytes(input, 'bad.json.gz', settings());
    expect(result.records).toBe(0);
    expect(result.malformed).toHaveLength(1);
    expect(result.malformed[0]?.file).toBe('bad.json.gz');
    expect(result.malformed[0]?.where).toBeUndefined();
    expect(result.malformed[0]?.reason).toMatch(reason);
    expect(result.malformed[0]?.reason).not.toContain('bad.json.gz');
  });

  it('names a JSON file that is not CloudTrail', () => {
    const digest = { awsAccountId: '123456789012', digestStartTime: '2026-01-01T00:00:00Z', logFiles: [] };
    const result = scanBytes(bytes(digest), 'digest.json', settings());
    expect(result.malformed).toEqual([
      { file: 'digest.json', reason: expect.stringMatching(/^not a CloudTrail record/) },
    ]);
    expect(scanBytes(bytes({ Records: 'x' }), 'r.json', settings()).malformed[0]?.reason).toBe(
      'expected a list of records',
    );
  });

  it('reads every shape evaluate accepts: EventBridge, bare record, JSON Lines, LookupEvents', () => {
    const lines = [
      JSON.stringify(unexpectedUser),
      '{oops',
      JSON.stringify(eventBridge(createUser('other'))),
    ].join('\n');
    const result = scanBytes(Buffer.from(lines), 'events.jsonl', settings());
    expect(result.watched.map((w) => w.where)).toEqual([':1', ':3.detail']);
    expect(result.malformed).toEqual([
      { file: 'events.jsonl', where: ':2', reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    const lookup = scanValues(
      [
        {
          value: { Events: [{ CloudTrailEvent: JSON.stringify(unexpectedUser) }, { CloudTrailEvent: '{' }] },
          where: '',
        },
      ],
      'lookup',
      settings(),
    );
    expect(lookup.watched).toHaveLength(1);
    expect(lookup.malformed[0]?.reason).toBe('not valid JSON');
  });

  it('counts records outside --since/--until without evaluating them', () => {
    const early = createUser('early', { eventTime: '2026-01-01T00:00:00Z' });
    const late = createUser('late', { eventTime: '2026-03-01T00:00:00Z' });
    const result = scanBytes(
      bytes({ Records: [early, unexpectedUser, late] }),
      'r.json',
      settings({ since: Date.parse('2026-01-15T00:00:00Z'), until: Date.parse('2026-03-01T00:00:00Z') }),
    );
    expect(result.outOfRange).toBe(2);
    expect(result.watched.map((w) => w.eventId)).toEqual([unexpectedUser.eventID]);
  });

  it('runs only the selected rules', () => {
    const key = createAccessKey('backdoor');
    const only = RULES.filter((rule) => rule.id === 'iam.user.unexpected');
    const result = scanBytes(bytes({ Records: [unexpectedUser, key] }), 'r.json', settings({ rules: only }));
    const ids = result.watched
      .flatMap((w) => (w.outcome.kind === 'evaluated' ? w.outcome.findings : []))
      .map((f) => f.ruleId);
    expect(ids).toEqual(['iam.user.unexpected']);
  });

  it('reports engine skips (failed calls, own roles) as skipped outcomes', () => {
    const failed = createUser('x', { errorCode: 'EntityAlreadyExists' });
    // guardrail's own enforce-imdsv2 call (its only watched call, skipped for loop prevention).
    const own = modifyImds('i-0abc1234def567890', { HttpTokens: 'required' }, undefined, {
      userIdentity: identities.guardrail,
    });
    const result = scanBytes(bytes({ Records: [failed, own] }), 'r.json', settings());
    expect(result.watched.map((w) => w.outcome.kind)).toEqual(['skipped', 'skipped']);
  });

  it('lists a watched record that fails the full schema check', () => {
    const broken = { ...unexpectedUser, userIdentity: 'root' };
    const result = scanBytes(bytes({ Records: [broken] }), 'r.json', settings());
    expect(result.watched).toEqual([]);
    expect(result.malformed).toEqual([
      {
        file: 'r.json',
        where: 'Records[0]',
        reason: 'userIdentity: expected an object',
        eventId: unexpectedUser.eventID,
      },
    ]);
  });

  // The parse's contract, for any value; the byte prefilter's blind spot (prefilter.ts) is tested apart.
  it('never throws, whatever the bytes, and accounts for every record', () => {
    const recordArb = fc.oneof(
      fc.constant(unexpectedUser),
      fc.constant(describeSilently),
      fc.record({
        eventTime: fc.string(),
        eventID: fc.string(),
        eventName: fc.string(),
        eventSource: fc.string(),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 20 }), fc.boolean(), (records, zip) => {
        const text = bytes({ Records: records });
        const result = scanBytes(zip ? gzipSync(text) : text, 'p.json', settings({ parseEverything: true }));
        expect(result.records).toBe(records.length);
        expect(result.watched.length + result.malformed.length).toBeLessThanOrEqual(records.length);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
        expect(() => scanBytes(raw, 'raw', settings())).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe.skipIf(!corpus)('scanBytes on the real corpus', () => {
  it.each([
    [
      'stratus-red-team/aws.persistence.iam-create-admin-user.json',
      // AdministratorAccess read from the AWS managed-policy data, as of the record's time.
      [
        'iam.accesskey.long-lived',
        'iam.policy.never-grant',
        'iam.policy.no-baseline',
        'iam.policy.privesc',
        'iam.policy.wildcard',
        'iam.user.unexpected',
      ],
    ],
    ['stratus-red-team/aws.persistence.iam-backdoor-user.json', ['iam.accesskey.long-lived']],
    ['stratus-red-team/aws.defense-evasion.cloudtrail-stop.json', ['cloudtrail.logging-impaired']],
  ])('target-events/%s gives %j', (file, expected) => {
    const result = scanBytes(readFileSync(corpusPath('target-events', file)), file, settings());
    expect(result.malformed).toEqual([]);
    const ids = result.watched
      .flatMap((w) => (w.outcome.kind === 'evaluated' ? w.outcome.findings : []))
      .map((f) => f.ruleId);
    expect(ids.sort()).toEqual(expected);
  });

  it('lists panther-analysis records whose eventTime is not ISO (space-separated), evaluates the rest', () => {
    const result = scanBytes(
      readFileSync(corpusPath('target-events', 'panther-analysis.json')),
      'panther',
      settings(),
    );
    expect(result.records).toBe(18);
    expect(result.malformed.map((m) => m.where)).toEqual([
      'Records[6]',
      'Records[7]',
      'Records[8]',
      'Records[9]',
      'Records[10]',
    ]);
    expect(new Set(result.malformed.map((m) => m.reason))).toEqual(
      new Set(['eventTime: expected an ISO 8601 time']),
    );
    expect(result.watched).toHaveLength(13);
  });

  it('reads a gzip log file as the trail delivered it', () => {
    const name = '974349055189_CloudTrail_us-east-1_20140926T2055Z_2QWt6DKCKgEmsVk8.json.gz';
    const raw = readFileSync(corpusPath('cloudtrail-tracker', name));
    const result = scanBytes(raw, name, settings());
    expect(result.malformed).toEqual([]);
    expect(result.records).toBeGreaterThan(0);
  });
});

if (!corpus) console.warn(CORPUS_MISSING);
