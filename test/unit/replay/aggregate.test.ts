import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/core/types.ts';
import { MALFORMED_LIST_CAP, ReplayAggregator } from '../../../src/replay/aggregate.ts';
import type { ScanResult, WatchedRecord } from '../../../src/replay/scan.ts';

const RULE_IDS = ['iam.user.unexpected', 'iam.accesskey.long-lived'];

function finding(eventId: string, eventTime: string, ruleId = 'iam.user.unexpected'): Finding {
  return {
    ruleId: ruleId as Finding['ruleId'],
    severity: 'high',
    title: 't',
    rationale: 'r',
    nextSteps: [],
    summary: 's',
    eventId,
    eventName: 'CreateUser',
    eventTime,
    account: '123456789012',
    region: 'us-east-1',
    actor: 'arn:aws:iam::123456789012:user/a',
    sourceIp: '203.0.113.1',
    resource: `arn:aws:iam::123456789012:user/${eventId}`,
    details: {},
    remediation: null,
  };
}

function watched(eventId: string, eventTime: string): WatchedRecord {
  return {
    eventId,
    where: 'Records[0]',
    outcome: { kind: 'evaluated', findings: [finding(eventId, eventTime)], suppressed: [] },
  };
}

function file(name: string, items: WatchedRecord[], extra: Partial<ScanResult> = {}): ScanResult {
  return { file: name, records: items.length, outOfRange: 0, malformed: [], watched: items, ...extra };
}

const scope = { sources: ['x'], baseline: 'b.yml', rules: RULE_IDS };

describe('ReplayAggregator', () => {
  it('drops a watched event delivered twice, across files, and counts it', () => {
    const aggregator = new ReplayAggregator(RULE_IDS);
    aggregator.add(file('a', [watched('e1', '2026-01-02T00:00:00Z'), watched('e2', '2026-01-01T00:00:00Z')]));
    aggregator.add(file('b', [watched('e1', '2026-01-02T00:00:00Z')]));
    const report = aggregator.report(scope);
    expect(report.summary).toMatchObject({ files: 2, records: 3, duplicates: 1, evaluated: 2, findings: 2 });
    expect(report.findings.map((f) => f.source.file)).toEqual(['a', 'a']);
  });

  it('orders findings by eventTime whatever the completion order, and counts every rule', () => {
    const aggregator = new ReplayAggregator(RULE_IDS);
    aggregator.add(file('late', [watched('z', '2026-03-01T00:00:00.500Z')]));
    aggregator.add(file('early', [watched('y', '2026-01-01T00:00:00+02:00')]));
    aggregator.add(file('mid', [watched('x', '2026-01-01T00:00:00Z')]));
    const report = aggregator.report(scope);
    expect(report.findings.map((f) => f.eventId)).toEqual(['y', 'x', 'z']);
    expect(report.summary.byRule).toEqual({ 'iam.accesskey.long-lived': 0, 'iam.user.unexpected': 3 });
    expect(report.summary.bySeverity.high).toBe(3);
  });

  it('counts skips, suppressions, out-of-range records and pruned files', () => {
    const aggregator = new ReplayAggregator(RULE_IDS);
    const suppressed = finding('s', '2026-01-01T00:00:00Z');
    aggregator.add(
      file(
        'a',
        [
          { eventId: 'k', where: '', outcome: { kind: 'skipped', reason: 'failed call' } },
          {
            eventId: 's',
            where: '',
            outcome: {
              kind: 'evaluated',
              findings: [],
              suppressed: [
                { finding: suppressed, suppression: { path: 'suppressions[0]', reason: 'known' } },
              ],
            },
          },
        ],
        { outOfRange: 4 },
      ),
    );
    aggregator.prune();
    const report = aggregator.report(scope);
    expect(report.summary).toMatchObject({
      skipped: 1,
      suppressed: 1,
      outOfRange: 4,
      prunedFiles: 1,
      findings: 0,
      evaluated: 2,
    });
    expect(report.suppressed[0]?.finding.source).toEqual({ file: 'a' });
  });

  it('caps the malformed list, keeps the count exact, and sorts it by file and position', () => {
    const aggregator = new ReplayAggregator(RULE_IDS);
    const many = Array.from({ length: MALFORMED_LIST_CAP + 5 }, (_, i) => ({
      file: 'z',
      where: `Records[${i}]`,
      reason: 'r',
    }));
    aggregator.add(
      file('b', [], {
        malformed: [
          { file: 'b', where: 'Records[10]', reason: 'r' },
          { file: 'b', where: 'Records[9]', reason: 'r' },
        ],
      }),
    );
    aggregator.add(file('z', [], { malformed: many }));
    const report = aggregator.report(scope);
    expect(report.summary.malformed).toBe(MALFORMED_LIST_CAP + 7);
    expect(report.malformed).toHaveLength(MALFORMED_LIST_CAP);
    expect(report.summary.malformedOmitted).toBe(7);
    expect(report.malformed.slice(0, 2).map((m) => m.where)).toEqual(['Records[9]', 'Records[10]']);
  });
});

describe('ReplayAggregator dedupe order', () => {
  it('keeps the same delivery of a duplicate whatever order the files complete in', () => {
    const run = (order: string[]) => {
      const aggregator = new ReplayAggregator(RULE_IDS);
      for (const name of order) aggregator.add(file(name, [watched('e1', '2026-01-02T00:00:00Z')]));
      return aggregator.report(scope);
    };
    const forward = run(['a/2.json', 'a/10.json', 'b.json']);
    const backward = run(['b.json', 'a/10.json', 'a/2.json']);
    expect(forward).toEqual(backward);
    expect(forward.findings.map((f) => f.source.file)).toEqual(['a/2.json']);
    expect(forward.summary).toMatchObject({ duplicates: 2, findings: 1, evaluated: 1 });
  });
});
