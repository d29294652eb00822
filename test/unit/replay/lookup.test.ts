import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../../src/replay/errors.ts';
import { lookupEventNames, lookupPages } from '../../../src/replay/lookup.ts';
import { createUser } from '../../helpers/records.ts';

const trail = mockClient(CloudTrailClient);
afterEach(() => trail.reset());

function throttle(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
}

/** A fake clock: sleeping moves time forward, so pacing is observable without waiting. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

async function collect(pages: AsyncIterable<{ file: string; value: { Events: readonly unknown[] } }>) {
  const out: { file: string; count: number }[] = [];
  for await (const page of pages) out.push({ file: page.file, count: page.value.Events.length });
  return out;
}

describe('lookupPages', () => {
  it('asks for each watched event name, follows NextToken, passes the window', async () => {
    const event = { EventId: 'e', CloudTrailEvent: JSON.stringify(createUser('x')) };
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
      })
      .resolvesOnce({ Events: [event, event], NextToken: 't1' })
      .resolvesOnce({ Events: [event] });
    const clock = fakeClock();
    const pages = await collect(
      lookupPages(new CloudTrailClient({ region: 'us-east-1' }), {
        region: 'us-east-1',
        since: Date.parse('2026-01-01T00:00:00Z'),
        until: Date.parse('2026-02-01T00:00:00Z'),
        ...clock,
      }),
    );
    // One call per watched event name, as CloudTrail writes it now; CreateUser's first page has a next one.
    const names = lookupEventNames();
    expect(pages).toEqual([
      { file: 'cloudtrail-lookup:us-east-1:CreateUser:page-1', count: 2 },
      { file: 'cloudtrail-lookup:us-east-1:CreateUser:page-2', count: 1 },
      ...names
        .filter((name) => name !== 'CreateUser')
        .map((name) => ({ file: `cloudtrail-lookup:us-east-1:${name}:page-1`, count: 0 })),
    ]);
    expect(names).toContain('DeleteFunction20150331');
    expect(names).toContain('UpdateFunctionCode20150331v2');
    expect(names).not.toContain('DeleteFunction');
    const calls = trail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(calls[1]).toMatchObject({
      NextToken: 't1',
      StartTime: new Date('2026-01-01T00:00:00Z'),
      EndTime: new Date('2026-02-01T00:00:00Z'),
      MaxResults: 50,
    });
    // At no more than two calls per second: a wait of 500 ms before each call but the first.
    expect(clock.sleeps).toEqual(Array.from({ length: names.length }, () => 500));
  });

  it('waits and retries a throttled call with growing backoff', async () => {
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    trail
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }],
      })
      .rejectsOnce(throttle())
      .rejectsOnce(throttle())
      .resolves({ Events: [] });
    const clock = fakeClock();
    const pages = await collect(
      lookupPages(new CloudTrailClient({ region: 'eu-west-1' }), {
        region: 'eu-west-1',
        random: () => 1,
        ...clock,
      }),
    );
    const names = lookupEventNames();
    expect(pages).toHaveLength(names.length);
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(names.length + 2);
    // Backoffs of 500 then 1000 ms for the throttled CreateUser call, then the 500 ms pacing between names.
    expect(clock.sleeps).toEqual([500, 1000, ...Array.from({ length: names.length - 1 }, () => 500)]);
  });

  it('gives up after the last attempt, and fails at once on other errors, with one line', async () => {
    trail.on(LookupEventsCommand).rejects(throttle());
    const clock = fakeClock();
    await expect(
      collect(
        lookupPages(new CloudTrailClient({ region: 'us-east-1' }), {
          region: 'us-east-1',
          maxAttempts: 3,
          ...clock,
        }),
      ),
    ).rejects.toThrow(
      new SourceError('CloudTrail LookupEvents in us-east-1: ThrottlingException: Rate exceeded'),
    );
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(3);

    trail.reset();
    trail
      .on(LookupEventsCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(
      collect(
        lookupPages(new CloudTrailClient({ region: 'us-east-1' }), { region: 'us-east-1', ...fakeClock() }),
      ),
    ).rejects.toThrow('CloudTrail LookupEvents in us-east-1: AccessDeniedException: User is not authorized');
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });
});
