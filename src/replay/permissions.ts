/**
 * The AWS calls a replay makes to read its sources: S3 listing and reads (sources.ts, scan), LookupEvents,
 * and an Athena query (query/athena.ts) with what Athena does with the caller's credentials: read the table
 * from Glue, read the trail bucket, write and read the results location.
 */
export const REPLAY_READ_PERMISSIONS = [
  's3:ListBucket',
  's3:GetObject',
  'cloudtrail:LookupEvents',
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'glue:GetDatabase',
  'glue:GetTable',
  's3:GetBucketLocation',
] as const;
