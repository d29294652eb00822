/** The AWS calls a replay makes to read its sources: S3 listing and reads (sources.ts, scan), LookupEvents. */
export const REPLAY_READ_PERMISSIONS = ['s3:ListBucket', 's3:GetObject', 'cloudtrail:LookupEvents'] as const;
