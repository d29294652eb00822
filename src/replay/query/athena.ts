/**
 * `athena://DATABASE.TABLE`: one Athena query selecting the watched events (sql.ts), polled until it ends,
 * its results read page by page (GetQueryResults, 1,000 rows a page) and rebuilt into records (rows.ts).
 * Throttling and 5xx are retried by the SDK client (its retry settings); a failed or cancelled query is a
 * SourceError naming the query and Athena's reason.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { describeAwsError } from '../../aws/errors.ts';
import { SourceError } from '../errors.ts';
import { recordFromRow } from './rows.ts';
import { athenaQuery } from './sql.ts';
import type { QueryLifecycleOptions, QueryPage, QuerySummary } from './types.ts';
import { defaultSleep, nextPoll } from './types.ts';
import type { AthenaSource } from './uri.ts';

/**
 * The client class, from here: importing it by name keeps a bundle to the commands this module sends
 * (a dynamic `import('@aws-sdk/client-athena')` would keep every command of the SDK).
 */
export { AthenaClient };

export interface AthenaOptions extends QueryLifecycleOptions {
  readonly workgroup?: string;
  /** `s3://…` for the query results; the workgroup's own location when absent. */
  readonly output?: string;
  readonly catalog?: string;
}

/** Athena's list price: $5 per TB scanned, at least 10 MB per query. */
export function athenaCostUsd(bytes: number): number {
  return (Math.max(bytes, 10 * 1024 ** 2) / 1024 ** 4) * 5;
}

async function send<T>(source: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new SourceError(`${source}: Athena ${what}: ${describeAwsError(error)}`, { cause: error });
  }
}

export async function* athenaPages(
  client: AthenaClient,
  source: string,
  table: AthenaSource,
  options: AthenaOptions = {},
): AsyncGenerator<QueryPage> {
  const sleep = options.sleep ?? defaultSleep;
  const query = athenaQuery({ ...table, ...options });
  const started = await send(source, 'StartQueryExecution', () =>
    client.send(
      new StartQueryExecutionCommand({
        QueryString: query,
        QueryExecutionContext: {
          Database: table.database,
          ...(options.catalog ? { Catalog: options.catalog } : {}),
        },
        ...(options.workgroup ? { WorkGroup: options.workgroup } : {}),
        ...(options.output ? { ResultConfiguration: { OutputLocation: options.output } } : {}),
      }),
    ),
  );
  const queryId = started.QueryExecutionId;
  if (!queryId) throw new SourceError(`${source}: Athena StartQueryExecution returned no query id`);

  let wait = options.pollMs ?? 250;
  let bytesScanned = 0;
  for (;;) {
    const { QueryExecution: execution } = await send(source, `GetQueryExecution ${queryId}`, () =>
      client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })),
    );
    const state = execution?.Status?.State ?? 'UNKNOWN';
    bytesScanned = execution?.Statistics?.DataScannedInBytes ?? 0;
    if (state === 'SUCCEEDED') break;
    if (state !== 'QUEUED' && state !== 'RUNNING') {
      const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage;
      throw new SourceError(`${source}: Athena query ${queryId} ${state}${reason ? `: ${reason}` : ''}`);
    }
    await sleep(wait);
    wait = nextPoll(wait);
  }

  let rows = 0;
  const summary = (): QuerySummary => ({
    source,
    engine: 'athena',
    queryId,
    state: 'SUCCEEDED',
    rows,
    bytesScanned,
    costUsd: athenaCostUsd(bytesScanned),
  });
  options.onSummary?.(summary());
  let columns: string[] | undefined;
  let nextToken: string | undefined;
  let page = 0;
  do {
    page++;
    const token = nextToken;
    const reply = await send(source, `GetQueryResults ${queryId}`, () =>
      client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      ),
    );
    columns ??= (reply.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
    const names = columns;
    let data = reply.ResultSet?.Rows ?? [];
    // A SELECT's first page starts with the column names as a row.
    if (page === 1 && data[0]?.Data?.every((datum, index) => datum.VarCharValue === names[index]))
      data = data.slice(1);
    const records = data.map((row) =>
      recordFromRow(
        Object.fromEntries(names.map((name, index) => [name, row.Data?.[index]?.VarCharValue])),
        'athena',
      ),
    );
    rows += records.length;
    yield { file: `${source}#${queryId}:page-${page}`, records };
    nextToken = reply.NextToken;
  } while (nextToken);
  options.onSummary?.(summary());
}
