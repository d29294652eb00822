/**
 * The query sources' life cycle on mocks (aws-sdk-client-mock): Athena and CloudTrail Lake queries that queue,
 * run, fail, get cancelled or throttled, and results read page by page; records rebuilt from result rows give
 * the same findings as the trail file they came from.
 */
import { readFileSync } from 'node:fs';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CloudTrailClient,
  GetQueryResultsCommand as LakeResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.ts';
import { WATCHED_EVENTS } from '../../../src/events/subjects/index.ts';
import { athenaPages } from '../../../src/replay/query/athena.ts';
import { lakePages } from '../../../src/replay/query/lake.ts';
import { athenaDdl, athenaQuery, lakeQuery } from '../../../src/replay/query/sql.ts';
import { runReplay } from '../../../src/replay/replay.ts';
import type { ReplayReport } from '../../../src/replay/types.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';
import { ATHENA_COLUMN_INFO, athenaRows, lakeRows } from '../../helpers/queryResults.ts';
import { captureIo } from '../../helpers/replay.ts';

const athena = mockClient(AthenaClient);
const trail = mockClient(CloudTrailClient);
afterEach(() => {
  athena.reset();
  trail.reset();
});

const SEEDS = new URL('../../../examples/seed-events.json', import.meta.url);
const seedRecords = (JSON.parse(readFileSync(SEEDS, 'utf8')) as { Records: Record<string, unknown>[] })
  .Records;
/** What the query's WHERE keeps: watched events that did not fail. */
const selected = seedRecords.filter(
  (record) =>
    (WATCHED_EVENTS as Record<string, string>)[record.eventName as string] === record.eventSource &&
    record.errorCode === undefined,
);

const baseline = { path: EXAMPLE_BASELINE_PATH };
const findingsOf = (report: ReplayReport) =>
  report.findings.map(({ source: _source, ...finding }) => finding);

function athenaSucceeds(rows = selected, pageSize = 7): void {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena
    .on(GetQueryExecutionCommand)
    .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
    .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
    .resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 3 * 1024 ** 3 } },
    });
  const all = athenaRows(rows, true);
  const pages: (typeof all)[] = [];
  for (let at = 0; at < all.length; at += pageSize) pages.push(all.slice(at, at + pageSize));
  pages.forEach((page, index) => {
    const token = index === 0 ? undefined : `t${index}`;
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', ...(token ? { NextToken: token } : {}) }, false)
      .resolves({
        ResultSet: { ResultSetMetadata: { ColumnInfo: ATHENA_COLUMN_INFO }, Rows: page },
        ...(index < pages.length - 1 ? { NextToken: `t${index + 1}` } : {}),
      });
  });
}

describe('athena://', () => {
  it('gives the findings the trail file gives, from one query read page by page', async () => {
    athenaSucceeds();
    const fromFile = await runReplay({ sources: [SEEDS.pathname], baseline, workers: 0 });
    const fromAthena = await runReplay({
      sources: ['athena://security.cloudtrail_logs'],
      baseline,
      workers: 0,
      pollMs: 0,
      athena: {
        pages: athenaPages,
        client: () => new AthenaClient({ region: 'us-east-1' }),
        workgroup: 'guardrail',
      },
    });
    expect(findingsOf(fromAthena)).toEqual(findingsOf(fromFile));
    expect(fromAthena.findings.length).toBeGreaterThan(5);
    expect(fromAthena.summary.byRule).toEqual(fromFile.summary.byRule);
    expect(fromAthena.summary.queries).toEqual([
      {
        source: 'athena://security.cloudtrail_logs',
        engine: 'athena',
        queryId: 'q-1',
        state: 'SUCCEEDED',
        rows: selected.length,
        bytesScanned: 3 * 1024 ** 3,
        costUsd: (3 / 1024) * 5,
      },
    ]);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(athena.commandCalls(GetQueryResultsCommand).length).toBeGreaterThan(1);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start?.WorkGroup).toBe('guardrail');
    expect(start?.QueryExecutionContext?.Database).toBe('security');
    expect(fromAthena.findings[0]?.source.file).toMatch(
      /^athena:\/\/security\.cloudtrail_logs#q-1:page-[1-9]$/,
    );
  });

  it.each([
    ['FAILED', 'HIVE_BAD_DATA: malformed JSON'],
    ['CANCELLED', 'Query cancelled by user'],
  ])('lists the source as unreadable when the query is %s, and goes on', async (state, reason) => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: state as 'FAILED', StateChangeReason: reason } } });
    const report = await runReplay({
      sources: ['athena://db.t', SEEDS.pathname],
      baseline,
      workers: 0,
      pollMs: 0,
      athena: { pages: athenaPages, client: () => new AthenaClient({ region: 'us-east-1' }) },
    });
    expect(report.summary.unreadable).toBe(1);
    expect(report.malformed).toContainEqual({
      file: 'athena://db.t',
      reason: `athena://db.t: Athena query q-2 ${state}: ${reason}`,
      unreadable: true,
    });
    expect(report.summary.findings).toBeGreaterThan(0); // the file was still replayed
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('lists the source when Athena throttles beyond the SDK retries', async () => {
    athena.on(StartQueryExecutionCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const report = await runReplay({
      sources: ['athena://db.t'],
      baseline,
      workers: 0,
      athena: { pages: athenaPages, client: () => new AthenaClient({ region: 'us-east-1' }) },
    });
    expect(report.malformed).toEqual([
      {
        file: 'athena://db.t',
        reason: 'athena://db.t: Athena StartQueryExecution: TooManyRequestsException: Rate exceeded',
        unreadable: true,
      },
    ]);
  });

  it('exits 3 from the CLI when the query fails, with the report written and one line', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'Table not found' } },
    });
    const io = captureIo({ env: { AWS_REGION: 'us-east-1' } });
    const code = await run(
      [
        'replay',
        'athena://db.t',
        '--baseline',
        EXAMPLE_BASELINE_PATH,
        '--output',
        's3://results/guardrail/',
        '--quiet',
      ],
      io,
    );
    expect(code).toBe(3);
    expect(JSON.parse(io.out()).summary.unreadable).toBe(1);
    expect(io.err()).toBe(
      'guardrail: replay incomplete: 1 input could not be read (first: athena://db.t: athena://db.t: Athena query q-3 FAILED: Table not found); the report was written\n',
    );
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ResultConfiguration).toEqual({
      OutputLocation: 's3://results/guardrail/',
    });
  });

  it('refuses a malformed athena:// source before anything runs', async () => {
    const io = captureIo();
    expect(await run(['replay', 'athena://just-a-db', '--baseline', EXAMPLE_BASELINE_PATH], io)).toBe(2);
    expect(io.err()).toBe('guardrail: athena://just-a-db: expected athena://DATABASE.TABLE\n');
    expect(athena.calls()).toHaveLength(0);
  });
});

describe('cloudtrail-lake://', () => {
  it('gives the findings the trail file gives, through QUEUED and RUNNING, page by page', async () => {
    trail.on(StartQueryCommand).resolves({ QueryId: 'lq-1' });
    const rows = lakeRows(selected);
    trail
      .on(LakeResultsCommand)
      .resolvesOnce({ QueryStatus: 'QUEUED' })
      .resolvesOnce({ QueryStatus: 'RUNNING' })
      .resolvesOnce({
        QueryStatus: 'FINISHED',
        QueryStatistics: { BytesScanned: 2 * 1024 ** 3 },
        QueryResultRows: rows.slice(0, 5),
        NextToken: 'n1',
      })
      .resolvesOnce({ QueryStatus: 'FINISHED', QueryResultRows: rows.slice(5) });
    const fromFile = await runReplay({ sources: [SEEDS.pathname], baseline, workers: 0 });
    const fromLake = await runReplay({
      sources: ['cloudtrail-lake://arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/eds-0123456789'],
      baseline,
      workers: 0,
      pollMs: 0,
      lake: { pages: lakePages, client: () => new CloudTrailClient({ region: 'us-east-1' }) },
    });
    expect(findingsOf(fromLake)).toEqual(findingsOf(fromFile));
    expect(fromLake.summary.queries?.[0]).toMatchObject({
      engine: 'cloudtrail-lake',
      queryId: 'lq-1',
      rows: selected.length,
      bytesScanned: 2 * 1024 ** 3,
      costUsd: 0.01,
    });
    const statement = trail.commandCalls(StartQueryCommand)[0]?.args[0].input.QueryStatement ?? '';
    expect(statement).toMatch(/FROM eds-0123456789\n/);
    expect(trail.commandCalls(LakeResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      undefined,
      undefined,
      'n1',
    ]);
  });

  it.each([['FAILED'], ['CANCELLED'], ['TIMED_OUT']])(
    'lists the source when the query is %s',
    async (state) => {
      trail.on(StartQueryCommand).resolves({ QueryId: 'lq-2' });
      trail.on(LakeResultsCommand).resolves({ QueryStatus: state as 'FAILED', ErrorMessage: 'boom' });
      const report = await runReplay({
        sources: ['cloudtrail-lake://eds-1'],
        baseline,
        workers: 0,
        pollMs: 0,
        lake: { pages: lakePages, client: () => new CloudTrailClient({ region: 'us-east-1' }) },
      });
      expect(report.malformed).toEqual([
        {
          file: 'cloudtrail-lake://eds-1',
          reason: `cloudtrail-lake://eds-1: CloudTrail Lake query lq-2 ${state}: boom`,
          unreadable: true,
        },
      ]);
    },
  );
});

describe('the SQL', () => {
  it('selects every watched event of the engine, failed calls excluded, the window pushed down', () => {
    const since = Date.parse('2026-01-01T00:00:00Z');
    const until = Date.parse('2026-04-01T00:00:00Z');
    const sql = athenaQuery({
      database: 'db',
      table: 't',
      since,
      until,
      accounts: ['123456789012'],
      regions: ['eu-west-1'],
    });
    for (const [name, source] of Object.entries(WATCHED_EVENTS)) {
      expect(sql).toContain(`'${name}'`);
      expect(sql).toContain(`'${source}'`);
    }
    expect(sql).toContain('errorcode IS NULL');
    expect(sql).toContain(`"timestamp" >= '2026/01/01'`);
    // The last day folder of the window plus one day of late deliveries.
    expect(sql).toContain(`"timestamp" <= '2026/04/01'`);
    expect(sql).toContain(`eventtime >= '2026-01-01T00:00:00Z'`);
    expect(sql).toContain(`eventtime < '2026-04-01T00:00:00Z'`);
    expect(sql).toContain(`account IN ('123456789012')`);
    expect(sql).toContain(`region IN ('eu-west-1')`);
    const lake = lakeQuery({ eventDataStore: 'eds-1', since, until });
    expect(lake).toContain(`eventtime >= timestamp '2026-01-01 00:00:00.000'`);
    expect(lake).toContain('json_format(CAST(requestparameters AS JSON)) AS requestparameters');
  });

  it.each([
    [{ database: 'db"; DROP', table: 't' }, /database "db\\"; DROP": expected a name/],
    [
      { database: 'db', table: 't', accounts: ["1' OR '1'='1"] },
      /--account .*: expected a 12-digit account id/,
    ],
  ])('refuses identifiers and values that are not what they claim: %j', (options, message) => {
    expect(() => athenaQuery(options)).toThrow(message);
  });

  it('prints the documented CloudTrail table with partition projection for an organisation trail', () => {
    const ddl = athenaDdl({
      bucket: 'org-trail',
      organizationId: 'o-abcdefghij',
      regions: ['us-east-1', 'eu-west-1'],
      accounts: ['111111111111', '222222222222'],
    });
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE default\.cloudtrail_logs \(/);
    expect(ddl).toContain("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'");
    expect(ddl).toContain('PARTITIONED BY (account STRING, region STRING, `timestamp` STRING)');
    expect(ddl).toContain("LOCATION 's3://org-trail/AWSLogs/o-abcdefghij/'");
    expect(ddl).toContain("'projection.account.values'='111111111111,222222222222'");
    expect(ddl).toContain("'projection.region.values'='us-east-1,eu-west-1'");
    expect(ddl).toContain(
      `'storage.location.template'='s3://org-trail/AWSLogs/o-abcdefghij/${'$'}{account}/CloudTrail/${'$'}{region}/${'$'}{timestamp}'`,
    );
    expect(() => athenaDdl({ bucket: 'Bad_Bucket', regions: ['us-east-1'] })).toThrow(
      '--bucket "Bad_Bucket": expected an S3 bucket name',
    );
  });

  it('guardrail athena ddl prints it', async () => {
    const io = captureIo({ env: { AWS_REGION: 'eu-west-1' } });
    expect(await run(['athena', 'ddl', '--bucket', 'my-trail', '--database', 'security'], io)).toBe(0);
    expect(io.out()).toContain('CREATE EXTERNAL TABLE security.cloudtrail_logs');
    expect(io.out()).toContain("'projection.account.type'='injected'");
    expect(io.out()).toContain("'projection.region.values'='eu-west-1'");
  });
});
