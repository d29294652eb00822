/**
 * `guardrail replay --lookup` through the CLI. moto (5.2) does not implement CloudTrail LookupEvents, so the
 * API is mocked with aws-sdk-client-mock; pacing and throttling are covered in test/unit/replay/lookup.test.ts.
 */
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { lookupEventNames } from '../../src/replay/lookup.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { MOTO_ENV } from '../helpers/moto.ts';
import { paced } from '../helpers/paced.ts';
import { createAccessKey, createUser } from '../helpers/records.ts';
import { captureIo } from '../helpers/replay.ts';

const trail = mockClient(CloudTrailClient);
beforeAll(() => {
  for (const [key, value] of Object.entries(MOTO_ENV)) vi.stubEnv(key, value);
});
afterAll(() => {
  trail.restore();
  vi.unstubAllEnvs();
});

const lookupEvent = (record: Record<string, unknown>) => ({
  EventId: String(record.eventID),
  EventName: String(record.eventName),
  CloudTrailEvent: JSON.stringify(record),
});

describe('guardrail replay --lookup', () => {
  it('reads every watched event of each region, paginated, into one report', async () => {
    const user = createUser('lookup-backdoor', { eventTime: '2026-03-01T10:00:00Z' });
    const key = createAccessKey('lookup-backdoor', { eventTime: '2026-03-01T10:02:00Z' });
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
      })
      .resolvesOnce({ Events: [lookupEvent(user)], NextToken: 'next' })
      // LookupEvents can return the same event on two pages: it counts once.
      .resolvesOnce({ Events: [lookupEvent(user), { EventId: 'broken', CloudTrailEvent: '{' }] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }],
      })
      .resolves({ Events: [lookupEvent(key)] });

    const io = captureIo({ env: { AWS_REGION: 'us-east-1' } });
    const code = await paced(() =>
      run(['replay', '--lookup', '--baseline', EXAMPLE_BASELINE_PATH, '--since', '2026-02-01'], io),
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out());
    // One page per watched event name, and a second one for CreateUser.
    const names = lookupEventNames();
    expect(report.summary).toMatchObject({
      files: names.length + 1,
      records: 3,
      duplicates: 1,
      malformed: 1,
      evaluated: 2,
    });
    expect(report.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'iam.user.unexpected',
      'iam.accesskey.long-lived',
    ]);
    expect(report.findings[0].source).toEqual({
      file: 'cloudtrail-lookup:us-east-1:CreateUser:page-1',
      where: 'Events[0].CloudTrailEvent',
    });
    expect(report.replay.sources).toEqual(['cloudtrail-lookup:us-east-1']);
    const calls = trail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(names.length + 1);
    expect(calls.every((input) => input.StartTime?.toISOString() === '2026-02-01T00:00:00.000Z')).toBe(true);
  });

  it('writes the report and exits 3 when LookupEvents refuses, naming the region that failed', async () => {
    trail.reset();
    trail.on(LookupEventsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), {
        name: 'AccessDeniedException',
      }),
    );
    const io = captureIo({ env: {} });
    const code = await run(
      ['replay', '--lookup', '--region', 'eu-west-1', '--baseline', EXAMPLE_BASELINE_PATH],
      io,
    );
    expect(code).toBe(3);
    const report = JSON.parse(io.out());
    expect(report.summary).toMatchObject({ unreadable: 1, malformed: 1, records: 0 });
    expect(report.malformed).toEqual([
      {
        file: 'cloudtrail-lookup:eu-west-1',
        reason:
          'CloudTrail LookupEvents in eu-west-1: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents',
        unreadable: true,
      },
    ]);
    expect(io.err()).toBe(
      'guardrail: replay incomplete: 1 input could not be read (first: cloudtrail-lookup:eu-west-1: CloudTrail LookupEvents in eu-west-1: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents); the report was written\n',
    );
  });

  it('refuses --region without --lookup', async () => {
    const io = captureIo();
    expect(
      await run(['replay', 'x.json', '--region', 'eu-west-1', '--baseline', EXAMPLE_BASELINE_PATH], io),
    ).toBe(2);
    expect(io.err()).toBe(
      'guardrail: --region applies to --lookup and to athena:// or cloudtrail-lake:// sources only\n',
    );
  });
});
