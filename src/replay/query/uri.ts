/** The query sources as given on the command line; no SDK here, so parsing them loads no client. */

export interface AthenaSource {
  readonly database: string;
  readonly table: string;
}

const ATHENA_URI = /^athena:\/\/([^./]+)\.([^./]+)\/?$/;
const LAKE_URI =
  /^cloudtrail-lake:\/\/([\w-]+|arn:aws[\w-]*:cloudtrail:[\w-]+:\d{12}:eventdatastore\/[\w-]+)\/?$/;

/** `athena://DATABASE.TABLE` → its database and table, or undefined when the URI is not one. */
export function parseAthenaUri(uri: string): AthenaSource | undefined {
  const match = ATHENA_URI.exec(uri);
  return match ? { database: match[1] as string, table: match[2] as string } : undefined;
}

/** `cloudtrail-lake://ID` or `cloudtrail-lake://ARN` → the event data store's id, or undefined. */
export function parseLakeUri(uri: string): string | undefined {
  const match = LAKE_URI.exec(uri);
  return match ? (match[1] as string).split('/').pop() : undefined;
}
