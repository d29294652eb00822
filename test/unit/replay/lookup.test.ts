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
    expect(pages).toEqual(
      names.flatMap((name) =>
        name === 'CreateUser'
          ? [
              { file: 'cloudtrail-lookup:us-east-1:CreateUser:page-1', count: 2 },
              { file: 'cloudtrail-lookup:us-east-1:CreateUser:page-2', count: 1 },
            ]
          : [{ file: `cloudtrail-lookup:us-east-1:${name}:page-1`, count: 0 }],
      ),
    );
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
    // One call per name plus the second CreateUser page, at no more than two per second: 500 ms between them.
    expect(clock.sleeps).toEqual(Array.from({ length: names.length }, () => 500));
  });

  it('adds no retry of its own: what the SDK gives up on ends the source, with one line', async () => {
    // aws-sdk-client-mock answers below the SDK's retry middleware, so each rejection here is what the SDK's
    // own retries (src/aws/clientConfig.ts) would have given up on.
    trail.on(LookupEventsCommand).rejects(throttle());
    const clock = fakeClock();
    await expect(
      collect(lookupPages(new CloudTrailClient({ region: 'us-east-1' }), { region: 'us-east-1', ...clock })),
    ).rejects.toThrow(
      new SourceError('CloudTrail LookupEvents in us-east-1: ThrottlingException: Rate exceeded'),
    );
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);

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
