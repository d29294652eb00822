/**
 * `guardrail replay SOURCE… --baseline PATH`: audit CloudTrail history offline (files, directories,
 * s3://bucket/prefix, or --lookup) and write one report. Exit 0 when the replay completed, malformed records
 * included; 2 when it could not start (no such source, invalid baseline, bad option); 3 when the report was
 * written but an input could not be read (S3, LookupEvents, a folder) or --notify failed.
 */
import { statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CLIENT_CONFIG } from '../../aws/clientConfig.ts';
import { describeAwsError } from '../../aws/errors.ts';
import { loadBaseline } from '../../baseline/load.ts';
import { UsageError } from '../../core/errors.ts';
import type { Delivery } from '../../notify/notifier.ts';
import { replayDigest } from '../../replay/digest.ts';
import { checkRange, parseTimeBound } from '../../replay/options.ts';
import { progressUi } from '../../replay/progress.ts';
import { runReplay } from '../../replay/replay.ts';
import type { ReportFormat } from '../../replay/report/index.ts';
import { formatFromFileName, REPORT_FORMATS, renderReport } from '../../replay/report/index.ts';
import type { ReplayReport } from '../../replay/types.ts';
import { PartialFailure } from '../exit.ts';
import type { Io } from '../io.ts';
import { loadBaselineFile } from './baseline.ts';

interface ReplayCliOptions {
  readonly baseline: string;
  readonly format?: ReportFormat;
  readonly out?: string;
  readonly since?: string;
  readonly until?: string;
  readonly rule: string[];
  readonly lookup?: boolean;
  readonly region: string[];
  readonly workers?: number;
  readonly inlineMs?: number;
  readonly quiet?: boolean;
  readonly notify?: string;
  readonly account: string[];
  readonly workgroup?: string;
  readonly output?: string;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function workerCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 256)
    throw new InvalidArgumentError('expected an integer from 0 to 256');
  return n;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('expected a whole number of milliseconds');
  return n;
}

function checkOutPath(out: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(dirname(out)).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) throw new UsageError(`--out ${out}: no such directory ${dirname(out)}`);
}

function checkTopicArn(arn: string): void {
  if (!/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/.test(arn)) {
    throw new UsageError(`--notify ${arn}: expected an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)`);
  }
}

/** One digest through the same SNS notifier the Lambda uses; its client is loaded only when asked for. */
async function notifyReplay(
  report: ReplayReport,
  topicArn: string,
  baselinePath: string,
  out: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Delivery> {
  const [{ SNSClient }, { SnsNotifier }] = await Promise.all([
    import('@aws-sdk/client-sns'),
    import('../../notify/sns.ts'),
  ]);
  const region = topicArn.split(':')[3];
  const endpoint = env.AWS_ENDPOINT_URL_SNS ?? env.AWS_ENDPOINT_URL;
  const sns = new SNSClient({
    ...CLIENT_CONFIG,
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    const digest = replayDigest(report, {
      id: `replay-${new Date().toISOString()}`,
      minSeverity: loadBaseline(baselinePath).notify.minSeverity,
      ...(out ? { reportLocation: out } : {}),
    });
    return await new SnsNotifier(sns, topicArn).digest(digest);
  } finally {
    sns.destroy();
  }
}

/**
 * Worker threads by default: none on one or two cores, where the main thread alone was fastest (20x corpus,
 * 125,026 records in 13,765 files: 3.2 s with 0 workers, 4.7 s with 1, 5.2 s with 2; each worker loads the
 * engine and sends its results back by copy); one per core but the main thread's above that (not measured here).
 */
function defaultWorkers(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 0 : cores - 1;
}

export function registerReplay(program: Command, io: Io): void {
  program
    .command('replay')
    .description(
      'Audit CloudTrail history offline: log files (.json, .json.gz), directories (the AWSLogs/ layout), s3://bucket/prefix, or --lookup; writes one report',
    )
    .argument(
      '[sources...]',
      'files, directories, s3://bucket/prefix, athena://DATABASE.TABLE or cloudtrail-lake://EVENT_DATA_STORE',
    )
    .requiredOption('-b, --baseline <path>', 'baseline YAML file')
    .addOption(
      new Option('-f, --format <format>', 'report format (default: from --out, else json)').choices(
        REPORT_FORMATS,
      ),
    )
    .option('-o, --out <file>', 'write the report to this file instead of stdout')
    .option('--since <time>', 'only events at or after: 2026-01-01, 2026-01-01T12:00:00Z, or 90d / 12h back')
    .option('--until <time>', 'only events before (same forms as --since)')
    .option('--rule <ids>', 'only these rules (repeatable or comma-separated)', collect, [])
    .option('--lookup', 'also read the watched events from CloudTrail LookupEvents (the last 90 days)')
    .option(
      '--region <region>',
      'region for --lookup, or regions an athena:// or cloudtrail-lake:// query reads (repeatable; default AWS_REGION, else us-east-1)',
      collect,
      [],
    )
    .option(
      '--account <id>',
      'accounts an athena:// or cloudtrail-lake:// query reads (repeatable; default all)',
      collect,
      [],
    )
    .option('--workgroup <name>', 'Athena workgroup for athena:// sources (default: primary)')
    .option('--output <s3-uri>', "where Athena writes the query results (default: the workgroup's location)")
    .option(
      '--workers <n>',
      'scanning threads (default: 0, the main thread alone, on 1-2 cores; else cores - 1)',
      workerCount,
    )
    .addOption(
      new Option('--inline-ms <ms>', 'scan alone this long before starting workers (tests, benchmarks)')
        .argParser(milliseconds)
        .hideHelp(),
    )
    .option('-q, --quiet', 'no progress bar or closing line on stderr')
    .option(
      '--notify <topic-arn>',
      "send the findings as one digest to this SNS topic (the Lambda's notifier; baseline notify.minSeverity applies)",
    )
    .action(async (sources: string[], options: ReplayCliOptions) => {
      const env = io.env ?? {};
      // A directory or a bad baseline stops here, before any source is touched.
      loadBaselineFile(options.baseline);
      const now = Date.now();
      const since = options.since !== undefined ? parseTimeBound('--since', options.since, now) : undefined;
      const until = options.until !== undefined ? parseTimeBound('--until', options.until, now) : undefined;
      checkRange(since, until);
      const format: ReportFormat =
        options.format ?? (options.out ? formatFromFileName(options.out) : undefined) ?? 'json';
      if (options.out) checkOutPath(options.out);
      if (options.notify) checkTopicArn(options.notify);
      const querySource = (source: string) =>
        source.startsWith('athena://') || source.startsWith('cloudtrail-lake://');
      if (options.region.length > 0 && !options.lookup && !sources.some(querySource))
        throw new UsageError(
          '--region applies to --lookup and to athena:// or cloudtrail-lake:// sources only',
        );
      if (options.account.length > 0 && !sources.some(querySource))
        throw new UsageError('--account applies to athena:// or cloudtrail-lake:// sources only');
      if (
        options.output !== undefined &&
        !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(options.output)
      )
        throw new UsageError(
          `--output ${options.output}: expected s3://bucket/prefix for the Athena query results`,
        );
      const defaultRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
      const endpointFor = (service: 'S3' | 'CLOUDTRAIL' | 'ATHENA'): string | undefined =>
        env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;

      // The AWS SDK clients are large: load each only when a source needs it, so a local replay starts fast.
      const { S3Client } = sources.some((source) => source.startsWith('s3://'))
        ? await import('@aws-sdk/client-s3')
        : { S3Client: undefined };
      const lakeSource = sources.find((source) => source.startsWith('cloudtrail-lake://'));
      const { CloudTrailClient } =
        options.lookup || lakeSource
          ? await import('@aws-sdk/client-cloudtrail')
          : { CloudTrailClient: undefined };
      const { AthenaClient } = sources.some((source) => source.startsWith('athena://'))
        ? await import('@aws-sdk/client-athena')
        : { AthenaClient: undefined };
      let athena: InstanceType<NonNullable<typeof AthenaClient>> | undefined;
      const athenaClient = () => {
        if (!AthenaClient) throw new UsageError('an Athena client was needed without an athena:// source');
        const endpoint = endpointFor('ATHENA');
        athena ??= new AthenaClient({
          region: defaultRegion,
          ...CLIENT_CONFIG,
          ...(endpoint ? { endpoint } : {}),
        });
        return athena;
      };
      // An event data store ARN names its region; an id is looked for in the default region.
      const lakeRegion = lakeSource?.match(/:cloudtrail:([\w-]+):/)?.[1] ?? defaultRegion;
      let s3: S3Client | undefined;
      const s3Client = (): S3Client => {
        if (!S3Client) throw new UsageError('an S3 client was needed for a source that is not s3://');
        const endpoint = endpointFor('S3');
        // A local endpoint (moto, MinIO) cannot serve virtual-host bucket names.
        s3 ??= new S3Client({
          ...CLIENT_CONFIG,
          region: defaultRegion,
          followRegionRedirects: true,
          ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
        });
        return s3;
      };
      const trails = new Map<string, CloudTrailClient>();
      const trailClient = (region: string): CloudTrailClient => {
        if (!CloudTrailClient)
          throw new UsageError('a CloudTrail client was needed without --lookup or cloudtrail-lake://');
        const endpoint = endpointFor('CLOUDTRAIL');
        const client =
          trails.get(region) ??
          new CloudTrailClient({ region, ...CLIENT_CONFIG, ...(endpoint ? { endpoint } : {}) });
        trails.set(region, client);
        return client;
      };

      const ui = progressUi(io, options.quiet === true);
      const started = performance.now();
      let report: Awaited<ReturnType<typeof runReplay>>;
      try {
        report = await runReplay({
          sources,
          baseline: { path: options.baseline },
          rules: options.rule,
          ...(since !== undefined ? { since } : {}),
          ...(until !== undefined ? { until } : {}),
          workers: options.workers ?? defaultWorkers(),
          ...(options.inlineMs !== undefined ? { inlineMs: options.inlineMs } : {}),
          s3: s3Client,
          ...(options.lookup
            ? {
                lookup: {
                  regions: options.region.length > 0 ? options.region : [defaultRegion],
                  client: trailClient,
                },
              }
            : {}),
          ...(options.account.length > 0 ? { accounts: options.account } : {}),
          ...(options.region.length > 0 && !options.lookup ? { regions: options.region } : {}),
          ...(AthenaClient
            ? {
                athena: {
                  client: athenaClient,
                  pages: (await import('../../replay/query/athena.ts')).athenaPages,
                  ...(options.workgroup ? { workgroup: options.workgroup } : {}),
                  ...(options.output ? { output: options.output } : {}),
                },
              }
            : {}),
          ...(lakeSource
            ? {
                lake: {
                  client: () => trailClient(lakeRegion),
                  pages: (await import('../../replay/query/lake.ts')).lakePages,
                },
              }
            : {}),
          onDiscovered: (files) => ui.discovered(files),
          onProgress: (progress) => ui.update(progress),
        });
      } catch (error) {
        ui.abort();
        throw error;
      } finally {
        s3?.destroy();
        athena?.destroy();
        for (const client of trails.values()) client.destroy();
      }
      const text = renderReport(report, format);
      if (options.out) writeFileSync(options.out, text);
      else io.stdout(text);
      ui.finish(report.summary, performance.now() - started);
      if (!options.quiet)
        for (const query of report.summary.queries ?? [])
          io.stderr(
            `${query.source}: query ${query.queryId}, ${query.rows} rows, ${(query.bytesScanned / 1024 ** 2).toFixed(1)} MiB scanned, about $${query.costUsd.toFixed(4)}\n`,
          );
      const notice = emptyReplayNotice(report);
      if (notice) io.stderr(`guardrail: ${notice}\n`);
      const failures: string[] = [];
      const { unreadable } = report.summary;
      if (unreadable > 0) {
        const first = report.malformed.find((entry) => entry.unreadable);
        failures.push(
          `${unreadable} input${unreadable === 1 ? '' : 's'} could not be read${first ? ` (first: ${first.file}: ${first.reason})` : ''}`,
        );
      }
      if (options.notify) {
        try {
          const delivery = await notifyReplay(report, options.notify, options.baseline, options.out, env);
          if (!options.quiet) {
            io.stderr(
              `notified ${options.notify}: ${delivery.shown} findings in one message (${delivery.messageId})\n`,
            );
          }
        } catch (error) {
          failures.push(`--notify ${options.notify} failed: ${describeAwsError(error)}`);
        }
      }
      if (failures.length > 0) {
        const where = options.out ? `written to ${options.out}` : 'written';
        throw new PartialFailure(`replay incomplete: ${failures.join('; ')}; the report was ${where}`);
      }
    });
}

/** One line when the sources held nothing to replay: a person may have pointed at the wrong folder. */
export function emptyReplayNotice(report: ReplayReport): string | undefined {
  const { files, records, prunedFiles } = report.summary;
  const sources = report.replay.sources.join(', ');
  if (files === 0 && prunedFiles === 0)
    return `replay: no CloudTrail log file in ${sources} (nothing named .json or .json.gz)`;
  if (files > report.summary.unreadable && records === 0)
    return `replay: ${files} input${files === 1 ? '' : 's'} read from ${sources}, no CloudTrail record in ${files === 1 ? 'it' : 'them'}`;
  return undefined;
}
