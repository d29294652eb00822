/**
 * `cloudtrail-lake://EVENT_DATA_STORE`: one CloudTrail Lake query selecting the watched events (sql.ts);
 * GetQueryResults reports the status until the query has finished, then returns the rows page by page, each
 * rebuilt into a record (rows.ts). A failed, cancelled or timed-out query is a SourceError with Lake's reason.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';
import { describeAwsError } from '../../aws/errors.ts';
import { SourceError } from '../errors.ts';
import { recordFromRow } from './rows.ts';
import { lakeQuery } from './sql.ts';
import type { QueryLifecycleOptions, QueryPage, QuerySummary } from './types.ts';
import { defaultSleep, nextPoll } from './types.ts';

/** CloudTrail Lake's list price for queries: $0.005 per GB scanned. */
export function lakeCostUsd(bytes: number): number {
  return (bytes / 1024 ** 3) * 0.005;
}

async function send<T>(source: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SourceError(`${source}: CloudTrail Lake ${what}: ${describeAwsError(error)}`, { cause: error });
  }
}

export async function* lakePages(
  client: CloudTrailClient,
  source: string,
  eventDataStore: string,
  options: QueryLifecycleOptions = {},
): AsyncGenerator<QueryPage> {
  const sleep = options.sleep ?? defaultSleep;
  const started = await send(source, 'StartQuery', () =>
    client.send(new StartQueryCommand({ QueryStatement: lakeQuery({ eventDataStore, ...options }) })),
  );
  const queryId = started.QueryId;
  if (!queryId) throw new SourceError(`${source}: CloudTrail Lake StartQuery returned no query id`);

  let wait = options.pollMs ?? 250;
  let rows = 0;
  let bytesScanned = 0;
  const summary = (): QuerySummary => ({
    source,
    engine: 'cloudtrail-lake',
    queryId,
    state: 'FINISHED',
    rows,
    bytesScanned,
    costUsd: lakeCostUsd(bytesScanned),
  });
  let nextToken: string | undefined;
  let page = 0;
  for (;;) {
    const token = nextToken;
    const reply = await send(source, `GetQueryResults ${queryId}`, () =>
      client.send(new GetQueryResultsCommand({ QueryId: queryId, ...(token ? { NextToken: token } : {}) })),
    );
    const state = reply.QueryStatus ?? 'UNKNOWN';
    if (state === 'QUEUED' || state === 'RUNNING') {
      await sleep(wait);
      wait = nextPoll(wait);
      continue;
    }
    if (state !== 'FINISHED') {
      throw new SourceError(
        `${source}: CloudTrail Lake query ${queryId} ${state}${reply.ErrorMessage ? `: ${reply.ErrorMessage}` : ''}`,
      );
    }
    bytesScanned = reply.QueryStatistics?.BytesScanned ?? bytesScanned;
    if (page === 0) options.onSummary?.(summary());
    page++;
    const records = (reply.QueryResultRows ?? []).map((row) =>
      recordFromRow(Object.assign({}, ...row) as Record<string, string>, 'cloudtrail-lake'),
    );
    rows += records.length;
    yield { file: `${source}#${queryId}:page-${page}`, records };
    nextToken = reply.NextToken;
    if (!nextToken) break;
  }
  options.onSummary?.(summary());
}
