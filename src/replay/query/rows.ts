/**
 * A query result row (column → text, absent for NULL) rebuilt into the CloudTrail record the trail file
 * holds, for the fields the engine reads: the same names and casing, `userIdentity` as an object, and the
 * request and response as objects. The rebuilt record then goes through the same decoder as a file's.
 */
type Row = Readonly<Record<string, string | undefined>>;

/** Athena's JSON SerDe keeps a nested JSON value as its text; CloudTrail Lake's maps hold nested values as JSON text. */
function parseJson(text: string | undefined, nestedTextValues: boolean): unknown {
  if (text === undefined || text === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // not JSON: the decoder says what is wrong with it
  }
  if (!nestedTextValues || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, nested(item)]));
}

/** A map value that is the text of an object or a list (how Lake stores nested request fields) becomes that value. */
function nested(item: unknown): unknown {
  if (typeof item !== 'string' || !/^\s*[[{]/.test(item)) return item;
  try {
    return JSON.parse(item);
  } catch {
    return item;
  }
}

/** Only the keys that have a value, so an absent column stays absent, as in the trail file. */
function compact(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

export type QueryEngine = 'athena' | 'cloudtrail-lake';

export function recordFromRow(row: Row, engine: QueryEngine): Record<string, unknown> {
  const nestedText = engine === 'cloudtrail-lake';
  const issuer = compact([
    ['type', row.si_type],
    ['principalId', row.si_principalid],
    ['arn', row.si_arn],
    ['accountId', row.si_accountid],
    ['userName', row.si_username],
  ]);
  const attributes = compact([
    ['mfaAuthenticated', row.ui_mfaauthenticated],
    ['creationDate', row.ui_creationdate],
  ]);
  const sessionContext = compact([
    ['attributes', Object.keys(attributes).length > 0 ? attributes : undefined],
    ['sessionIssuer', Object.keys(issuer).length > 0 ? issuer : undefined],
  ]);
  const userIdentity = compact([
    ['type', row.ui_type],
    ['principalId', row.ui_principalid],
    ['arn', row.ui_arn],
    ['accountId', row.ui_accountid],
    ['accessKeyId', row.ui_accesskeyid],
    ['userName', row.ui_username],
    ['invokedBy', row.ui_invokedby],
    ['sessionContext', Object.keys(sessionContext).length > 0 ? sessionContext : undefined],
  ]);
  return compact([
    ['eventVersion', row.eventversion],
    ['userIdentity', userIdentity],
    ['eventTime', row.eventtime],
    ['eventSource', row.eventsource],
    ['eventName', row.eventname],
    ['awsRegion', row.awsregion],
    ['sourceIPAddress', row.sourceipaddress],
    ['userAgent', row.useragent],
    ['errorCode', row.errorcode],
    ['errorMessage', row.errormessage],
    ['requestParameters', parseJson(row.requestparameters, nestedText)],
    ['responseElements', parseJson(row.responseelements, nestedText)],
    ['requestID', row.requestid],
    ['eventID', row.eventid],
    ['eventType', row.eventtype],
    ['recipientAccountId', row.recipientaccountid],
  ]);
}
