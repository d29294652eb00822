/**
 * cloudtrail.logging-impaired beyond the rule cases: the selector reading (basic and advanced shapes, and
 * how several selectors combine, checked against a plain model by fast-check), the trail subjects, and what
 * each finding says to do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import type { AdvancedSelector, BasicSelector } from '../../src/events/subjects/index.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import { writeManagementRecording } from '../../src/rules/trails.ts';
import { baselineFrom, exampleBaseline } from '../helpers/baseline.ts';
import type { Json } from '../helpers/records.ts';
import { trailCall } from '../helpers/records.ts';

function findings(raw: Json, yaml?: string): readonly Finding[] {
  const checked = checkRecord(raw);
  if (!checked.ok) throw new Error(checked.reason);
  const result = evaluate(checked.record, yaml ? baselineFrom(yaml) : exampleBaseline());
  if (result.kind !== 'evaluated') throw new Error(result.skip.reason);
  return result.findings;
}

describe('trail subjects', () => {
  it('reads a trail named by ARN in another region as that trail, in its home region', () => {
    const checked = checkRecord(
      trailCall('StopLogging', { name: 'arn:aws:cloudtrail:ap-south-1:111122223333:trail/audit' }),
    );
    if (!checked.ok) throw new Error(checked.reason);
    const extracted = extractSubject(checked.record);
    expect(extracted).toMatchObject({
      ok: true,
      subject: {
        kind: 'StopLogging',
        trail: {
          name: 'audit',
          region: 'ap-south-1',
          arn: 'arn:aws:cloudtrail:ap-south-1:111122223333:trail/audit',
        },
      },
    });
  });

  it('skips a record whose trail name is not one CloudTrail accepts, naming the field', () => {
    const checked = checkRecord(trailCall('DeleteTrail', { name: 'no spaces <b>' }));
    if (!checked.ok) throw new Error(checked.reason);
    expect(evaluate(checked.record, exampleBaseline())).toMatchObject({
      kind: 'skipped',
      skip: { reason: 'malformed DeleteTrail: requestParameters.name: not a trail name or trail ARN' },
    });
  });

  it('reads PutEventSelectors from the response when the request carries no selectors', () => {
    const checked = checkRecord(
      trailCall(
        'PutEventSelectors',
        { trailName: 'org-trail' },
        { eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: true }] },
      ),
    );
    if (!checked.ok) throw new Error(checked.reason);
    expect(extractSubject(checked.record)).toMatchObject({
      ok: true,
      subject: { selectors: { kind: 'basic', selectors: [{ readWriteType: 'ReadOnly' }] } },
    });
  });
});

describe('what the finding proposes and says', () => {
  it('DeleteTrail proposes nothing automatic and says to recreate the trail', () => {
    const [finding] = findings(trailCall('DeleteTrail', { name: 'org-trail' }));
    expect(finding?.remediation).toBeNull();
    expect(finding?.nextSteps[0]).toMatch(/^Recreate the trail/);
  });

  it('StopLogging says the exact command to start the trail again', () => {
    const [finding] = findings(trailCall('StopLogging', { name: 'org-trail' }));
    expect(finding?.nextSteps[0]).toBe(
      "Start it again: aws cloudtrail start-logging --name arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail --region eu-west-1 (guardrail does it when the rule's mode is enforce).",
    );
  });

  it('an UpdateTrail with several impairments is one finding at the worst severity, fix flags for each', () => {
    const result = findings(
      trailCall('UpdateTrail', {
        name: 'org-trail',
        isMultiRegionTrail: false,
        enableLogFileValidation: false,
        s3BucketName: 'elsewhere',
      }),
      'version: 1\ntrails:\n  - name: org-trail\n    bucket: org-cloudtrail-logs\n',
    );
    expect(result).toHaveLength(1);
    expect(result[0]?.severity).toBe('critical');
    expect(result[0]?.details.impairments).toHaveLength(3);
    expect(result[0]?.nextSteps[0]).toMatch(
      /--is-multi-region-trail --s3-bucket-name org-cloudtrail-logs --enable-log-file-validation\.$/,
    );
  });

  it('stays quiet about a trail the baseline does not name, and judges every trail when it names none', () => {
    const stop = trailCall('StopLogging', { name: 'dev-trail' });
    expect(findings(stop, 'version: 1\ntrails:\n  - name: org-trail\n')).toEqual([]);
    expect(findings(stop, 'version: 1\n')).toHaveLength(1);
    const byArn =
      'version: 1\ntrails:\n  - name: arn:aws:cloudtrail:eu-west-1:123456789012:trail/dev-trail\n';
    expect(findings(stop, byArn)).toHaveLength(1);
  });
});

describe('write management events recorded by event selectors', () => {
  const basic = (s: Partial<BasicSelector>): BasicSelector => ({
    readWriteType: 'All',
    includeManagementEvents: true,
    excludeManagementEventSources: [],
    ...s,
  });
  const management = (...more: AdvancedSelector['fieldSelectors']): AdvancedSelector => ({
    fieldSelectors: [{ field: 'eventCategory', equals: ['Management'], notEquals: [], others: [] }, ...more],
  });
  const fs = (field: string, equals: string[], notEquals: string[] = [], others: string[] = []) => ({
    field,
    equals,
    notEquals,
    others,
  });

  it.each([
    ['All', true, 'all'],
    ['WriteOnly', true, 'all'],
    ['writeonly', true, 'all'],
    ['ReadOnly', true, 'none'],
    ['All', false, 'none'],
  ] as const)('basic %s, includeManagementEvents %s: %s', (readWriteType, include, kind) => {
    expect(
      writeManagementRecording({
        kind: 'basic',
        selectors: [basic({ readWriteType, includeManagementEvents: include })],
      }).kind,
    ).toBe(kind);
  });

  it('an empty list of selectors records nothing', () => {
    expect(writeManagementRecording({ kind: 'basic', selectors: [] })).toEqual({
      kind: 'none',
      why: 'no selector includes management events',
    });
    expect(writeManagementRecording({ kind: 'advanced', selectors: [] })).toEqual({
      kind: 'none',
      why: 'no advanced selector is left',
    });
  });

  it('advanced: readOnly false or absent records writes; other fields or operators narrow it', () => {
    expect(writeManagementRecording({ kind: 'advanced', selectors: [management()] }).kind).toBe('all');
    expect(
      writeManagementRecording({ kind: 'advanced', selectors: [management(fs('readOnly', ['false']))] }).kind,
    ).toBe('all');
    expect(
      writeManagementRecording({ kind: 'advanced', selectors: [management(fs('readOnly', ['true']))] }).kind,
    ).toBe('none');
    expect(
      writeManagementRecording({
        kind: 'advanced',
        selectors: [{ name: 'odd', ...management(fs('eventName', [], [], ['startsWith'])) }],
      }),
    ).toEqual({ kind: 'partial', limits: ['selector "odd": limited by eventName'] });
    expect(
      writeManagementRecording({
        kind: 'advanced',
        selectors: [
          {
            fieldSelectors: [fs('eventCategory', ['Management'], [], ['startsWith'])],
          },
        ],
      }).kind,
    ).toBe('partial');
  });

  // The model: a source is recorded when some selector that records writes, unnarrowed, does not exclude it.
  const SOURCES = ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] as const;
  const arbBasic = fc.record({
    readWriteType: fc.constantFrom('All', 'ReadOnly', 'WriteOnly'),
    includeManagementEvents: fc.boolean(),
    excludeManagementEventSources: fc.subarray([...SOURCES]),
  });

  it('basic selectors: all exactly when every source is recorded by some selector (property)', () => {
    fc.assert(
      fc.property(fc.array(arbBasic, { maxLength: 5 }), (selectors) => {
        const records = selectors.filter((s) => s.includeManagementEvents && s.readWriteType !== 'ReadOnly');
        const verdict = writeManagementRecording({ kind: 'basic', selectors });
        if (records.length === 0) return verdict.kind === 'none';
        const missing = SOURCES.filter((src) =>
          records.every((s) => s.excludeManagementEventSources.includes(src)),
        );
        return missing.length === 0 ? verdict.kind === 'all' : verdict.kind === 'partial';
      }),
    );
  });

  it('adding a selector never records less, and the order of selectors does not matter (property)', () => {
    const rank = { none: 0, partial: 1, all: 2 } as const;
    fc.assert(
      fc.property(fc.array(arbBasic, { maxLength: 4 }), arbBasic, (selectors, extra) => {
        const before = writeManagementRecording({ kind: 'basic', selectors }).kind;
        const after = writeManagementRecording({ kind: 'basic', selectors: [...selectors, extra] }).kind;
        const reversed = writeManagementRecording({
          kind: 'basic',
          selectors: [...selectors].reverse(),
        }).kind;
        return rank[after] >= rank[before] && reversed === before;
      }),
    );
  });
});
