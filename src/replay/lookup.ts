/**
 * `--lookup`: the last 90 days from CloudTrail's LookupEvents API, one event name at a time (the API takes a
 * single lookup attribute), paginated. LookupEvents allows 2 requests per second per account and region, so
 * calls are paced; a throttled call is retried by the SDK (the client is built with src/aws/clientConfig.ts,
 * the one retry layer, whose adaptive mode also slows the client down), and what still fails ends the source.
 */
import type { LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { describeAwsError } from '../aws/errors.ts';
import type { WatchedEventName } from '../events/subjects/index.ts';
import { cloudTrailNames, WATCHED_EVENTS } from '../events/subjects/index.ts';
import { SourceError } from './errors.ts';

/** The client class, from here: a bundle then keeps only LookupEvents, not every CloudTrail command. */
export { CloudTrailClient };

export interface LookupOptions {
  readonly region: string;
  readonly since?: number;
  readonly until?: number;
  /** Minimum gap between two calls; 500 ms keeps to the 2-per-second quota. */
  readonly minIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** One page: its events as a LookupEvents reply, which the decoder reads like any other input. */
export interface LookupPage {
  readonly file: string;
  readonly value: { readonly Events: readonly unknown[] };
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The names LookupEvents is asked for, one call each: the watched events as CloudTrail writes them now (a Lambda
 * call with its API version, `DeleteFunction20150331`; LookupEvents matches names exactly, and its 90 days
 * hold only the current versions).
 */
export function lookupEventNames(): readonly string[] {
  return (Object.keys(WATCHED_EVENTS) as WatchedEventName[]).map((name) => cloudTrailNames(name)[0] ?? name);
}

export async function* lookupPages(
  client: CloudTrailClient,
  options: LookupOptions,
): AsyncGenerator<LookupPage> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? 500;
  let lastCall = Number.NEGATIVE_INFINITY;

  // Pacing is rate limiting, not retrying: the SDK alone retries a throttled call.
  const call = async (command: LookupEventsCommand): Promise<LookupEventsCommandOutput> => {
    const wait = lastCall + minInterval - now();
    if (wait > 0) await sleep(wait);
    lastCall = now();
    try {
      return await client.send(command);
    } catch (error) {
      throw new SourceError(`CloudTrail LookupEvents in ${options.region}: ${describeAwsError(error)}`, {
        cause: error,
      });
    }
  };

  for (const eventName of lookupEventNames()) {
    let nextToken: string | undefined;
    let page = 0;
    do {
      page++;
      const reply = await call(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
          MaxResults: 50,
          ...(options.since !== undefined ? { StartTime: new Date(options.since) } : {}),
          ...(options.until !== undefined ? { EndTime: new Date(options.until) } : {}),
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      yield {
        file: `cloudtrail-lookup:${options.region}:${eventName}:page-${page}`,
        value: { Events: reply.Events ?? [] },
      };
      nextToken = reply.NextToken;
    } while (nextToken);
  }
}
