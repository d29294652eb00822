/**
 * `guardrail athena ddl --bucket B [--organization-id O]`: the CREATE EXTERNAL TABLE (AWS's documented CloudTrail
 * table, partition projection on account, region and day) that `guardrail replay athena://DATABASE.TABLE` reads.
 */
import type { Command } from 'commander';
import { athenaDdl } from '../../replay/query/sql.ts';
import type { Io } from '../io.ts';

function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

interface DdlCliOptions {
  readonly bucket: string;
  readonly organizationId?: string;
  readonly prefix?: string;
  readonly database: string;
  readonly table: string;
  readonly start: string;
  readonly account: string[];
  readonly region: string[];
}

export function registerAthena(program: Command, io: Io): void {
  program
    .command('athena')
    .description('Athena over the trail bucket, for replay athena://DATABASE.TABLE')
    .command('ddl')
    .description(
      'Print the CREATE EXTERNAL TABLE (partition projection on account, region and day) to run once in Athena',
    )
    .requiredOption('--bucket <name>', "the trail's S3 bucket")
    .option(
      '--organization-id <id>',
      'for an organisation trail: its o-… id (keys are AWSLogs/o-…/ACCOUNT/…)',
    )
    .option('--prefix <prefix>', "the trail's S3 key prefix, if it has one")
    .option('--database <name>', 'Athena database', 'default')
    .option('--table <name>', 'table name', 'cloudtrail_logs')
    .option('--start <yyyy/MM/dd>', 'first day of logs to project', '2020/01/01')
    .option(
      '--account <ids>',
      'accounts to project (repeatable or comma-separated); without: every query names its accounts (--account on replay)',
      collect,
      [],
    )
    .option('--region <regions>', 'regions the trail logs (repeatable or comma-separated)', collect, [])
    .action((options: DdlCliOptions) => {
      io.stdout(
        athenaDdl({
          bucket: options.bucket,
          database: options.database,
          table: options.table,
          start: options.start,
          accounts: options.account,
          regions: options.region.length > 0 ? options.region : [io.env?.AWS_REGION ?? 'us-east-1'],
          ...(options.organizationId ? { organizationId: options.organizationId } : {}),
          ...(options.prefix ? { prefix: options.prefix } : {}),
        }),
      );
    });
}
