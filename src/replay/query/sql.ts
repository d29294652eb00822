/**
 * The SQL a query source runs, built from the engine's one list of watched events, and the Athena table
 * definition a user without one creates first. Pure: no client, no clock.
 *
 * The query pushes everything down: the watched event names and sources, `errorCode IS NULL` (the engine
 * skips failed calls anyway), the --since/--until window on eventTime, and, on Athena, the partition columns
 * (dates, accounts, regions) so only those S3 prefixes are read.
 */
import { UsageError } from '../../core/errors.ts';
import type { WatchedEventName } from '../../events/subjects/index.ts';
import { cloudTrailNames, WATCHED_EVENTS } from '../../events/subjects/index.ts';

const DAY_MS = 86_400_000;

/** A SQL string literal; the values are ours or validated, quoting is the second line of defence. */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function list(values: readonly string[]): string {
  return values.map(literal).join(', ');
}

const IDENTIFIER = /^[A-Za-z_][\w-]{0,254}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function checkIdentifier(what: string, value: string): string {
  if (!IDENTIFIER.test(value))
    throw new UsageError(`${what} ${JSON.stringify(value)}: expected a name of letters, digits, _ or -`);
  return value;
}

export function checkAccounts(values: readonly string[]): readonly string[] {
  for (const value of values)
    if (!ACCOUNT.test(value))
      throw new UsageError(`--account ${JSON.stringify(value)}: expected a 12-digit account id`);
  return values;
}

export function checkRegions(values: readonly string[]): readonly string[] {
  for (const value of values)
    if (!REGION.test(value))
      throw new UsageError(`--region ${JSON.stringify(value)}: expected a region such as us-east-1`);
  return values;
}

export interface QueryWindow {
  readonly since?: number;
  readonly until?: number;
}

/** `2026-01-10T00:00:00Z`: the form CloudTrail writes eventTime in, so string comparison is time order. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/');
}

/**
 * The watched events: names and their services, from the engine's list; a Lambda call under every name
 * CloudTrail has written for it (`DeleteFunction20150331`, `DeleteFunction`), as the trail holds years of them.
 */
function watchedFilter(): string[] {
  const names = (Object.keys(WATCHED_EVENTS) as WatchedEventName[]).flatMap(cloudTrailNames);
  const sources = [...new Set(Object.values(WATCHED_EVENTS))];
  return [`eventname IN (${list(names)})`, `eventsource IN (${list(sources)})`, 'errorcode IS NULL'];
}

export interface AthenaQueryOptions extends QueryWindow {
  readonly database: string;
  readonly table: string;
  /** Partition values to read; empty: every partition of that column. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

/** The columns a rebuilt record needs (rows.ts), flat: a struct's text form is not JSON. */
const ATHENA_COLUMNS = [
  'eventversion',
  'useridentity.type AS ui_type',
  'useridentity.principalid AS ui_principalid',
  'useridentity.arn AS ui_arn',
  'useridentity.accountid AS ui_accountid',
  'useridentity.invokedby AS ui_invokedby',
  'useridentity.accesskeyid AS ui_accesskeyid',
  'useridentity.username AS ui_username',
  'useridentity.sessioncontext.attributes.mfaauthenticated AS ui_mfaauthenticated',
  'useridentity.sessioncontext.attributes.creationdate AS ui_creationdate',
  'useridentity.sessioncontext.sessionissuer.type AS si_type',
  'useridentity.sessioncontext.sessionissuer.principalid AS si_principalid',
  'useridentity.sessioncontext.sessionissuer.arn AS si_arn',
  'useridentity.sessioncontext.sessionissuer.accountid AS si_accountid',
  'useridentity.sessioncontext.sessionissuer.username AS si_username',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
  'requestid',
  'eventid',
  'eventtype',
  'recipientaccountid',
] as const;

/** The result columns of both queries, in order: what rows.ts reads. */
export const QUERY_COLUMN_NAMES: readonly string[] = ATHENA_COLUMNS.map(
  (column) => column.split(' AS ').pop() as string,
);

export function athenaQuery(options: AthenaQueryOptions): string {
  const where = watchedFilter();
  if (options.since !== undefined) {
    where.push(`"timestamp" >= ${literal(day(options.since))}`);
    where.push(`eventtime >= ${literal(isoSeconds(options.since))}`);
  }
  if (options.until !== undefined) {
    // A day folder holds the files delivered that day: one more day covers late deliveries (sources.ts).
    where.push(`"timestamp" <= ${literal(day(options.until + DAY_MS - 1))}`);
    where.push(`eventtime < ${literal(isoSeconds(options.until))}`);
  }
  if (options.accounts?.length) where.push(`account IN (${list(checkAccounts(options.accounts))})`);
  if (options.regions?.length) where.push(`region IN (${list(checkRegions(options.regions))})`);
  const table = `"${checkIdentifier('database', options.database)}"."${checkIdentifier('table', options.table)}"`;
  return `SELECT ${ATHENA_COLUMNS.join(', ')}\nFROM ${table}\nWHERE ${where.join('\n  AND ')}`;
}

/** CloudTrail Lake's columns: timestamps as ISO text, the request and response maps as JSON. */
const LAKE_COLUMNS = ATHENA_COLUMNS.map((column) =>
  column === 'eventtime'
    ? 'to_iso8601(eventtime) AS eventtime'
    : column === 'useridentity.sessioncontext.attributes.creationdate AS ui_creationdate'
      ? 'to_iso8601(useridentity.sessioncontext.attributes.creationdate) AS ui_creationdate'
      : column === 'requestparameters' || column === 'responseelements'
        ? `json_format(CAST(${column} AS JSON)) AS ${column}`
        : column,
);

export interface LakeQueryOptions extends QueryWindow {
  /** The event data store: its id, or the id part of its ARN. */
  readonly eventDataStore: string;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

export function lakeQuery(options: LakeQueryOptions): string {
  const where = watchedFilter();
  // Lake's eventTime is a timestamp: compared with timestamp literals.
  if (options.since !== undefined)
    where.push(
      `eventtime >= timestamp ${literal(new Date(options.since).toISOString().replace('T', ' ').replace('Z', ''))}`,
    );
  if (options.until !== undefined)
    where.push(
      `eventtime < timestamp ${literal(new Date(options.until).toISOString().replace('T', ' ').replace('Z', ''))}`,
    );
  if (options.accounts?.length)
    where.push(`recipientaccountid IN (${list(checkAccounts(options.accounts))})`);
  if (options.regions?.length) where.push(`awsregion IN (${list(checkRegions(options.regions))})`);
  return `SELECT ${LAKE_COLUMNS.join(', ')}\nFROM ${checkIdentifier('event data store', options.eventDataStore)}\nWHERE ${where.join('\n  AND ')}`;
}

export interface DdlOptions {
  readonly bucket: string;
  readonly organizationId?: string;
  /** The trail's S3 key prefix, if it has one. */
  readonly prefix?: string;
  readonly database?: string;
  readonly table?: string;
  /** First day of logs to project, `yyyy/MM/dd`. */
  readonly start?: string;
  /** Accounts to project; without them the account partition is `injected` (every query names its accounts). */
  readonly accounts?: readonly string[];
  readonly regions: readonly string[];
}

/**
 * AWS's documented CloudTrail table (Athena user guide, "Create the table for CloudTrail logs in Athena using
 * partition projection"), with account, region and day as projected partitions, so a replay through
 * `athena://DATABASE.TABLE` reads only the prefixes of its accounts, regions and days.
 */
export function athenaDdl(options: DdlOptions): string {
  if (!BUCKET.test(options.bucket))
    throw new UsageError(`--bucket ${JSON.stringify(options.bucket)}: expected an S3 bucket name`);
  if (options.organizationId !== undefined && !ORGANIZATION.test(options.organizationId))
    throw new UsageError(
      `--organization-id ${JSON.stringify(options.organizationId)}: expected o- and 10 to 32 letters or digits`,
    );
  if (options.prefix !== undefined && !/^[\w.\-/]*$/.test(options.prefix))
    throw new UsageError(`--prefix ${JSON.stringify(options.prefix)}: expected an S3 key prefix`);
  const start = options.start ?? '2020/01/01';
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(start))
    throw new UsageError(`--start ${JSON.stringify(start)}: expected yyyy/MM/dd`);
  const regions = checkRegions(options.regions);
  if (regions.length === 0) throw new UsageError('--region: give at least one region the trail logs');
  const accounts = checkAccounts(options.accounts ?? []);
  const database = checkIdentifier('--database', options.database ?? 'default');
  const table = checkIdentifier('--table', options.table ?? 'cloudtrail_logs');
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const root = `s3://${options.bucket}/${prefix}AWSLogs/${options.organizationId ? `${options.organizationId}/` : ''}`;
  const accountProjection =
    accounts.length > 0
      ? [`'projection.account.type'='enum'`, `'projection.account.values'='${accounts.join(',')}'`]
      : [`'projection.account.type'='injected'`];
  return `CREATE EXTERNAL TABLE ${database}.${table} (
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
             userid: STRING,
             identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: MAP<STRING,STRING>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
      reason: STRING,
      updatedfields: STRING,
      originalrequestid: STRING,
      originaleventid: STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
      tlsversion: STRING,
      ciphersuite: STRING,
      clientprovidedhostheader: STRING>
)
COMMENT 'CloudTrail logs for guardrail replay (athena://${database}.${table}); created by guardrail athena ddl'
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${root}'
TBLPROPERTIES (
  'projection.enabled'='true',
  ${accountProjection.join(',\n  ')},
  'projection.region.type'='enum',
  'projection.region.values'='${regions.join(',')}',
  'projection.timestamp.type'='date',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='${start},NOW',
  'storage.location.template'='${root}\${account}/CloudTrail/\${region}/\${timestamp}'
);
`;
}
