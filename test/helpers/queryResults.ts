/**
 * Query results as Athena and CloudTrail Lake return them for the replay's SELECT (src/replay/query/sql.ts),
 * made from trail records: every value text, NULL as a missing VarCharValue (Athena) or key (Lake); Athena's
 * JSON SerDe keeps requestparameters/responseelements as the record's JSON text; Lake's map columns come as
 * JSON objects whose nested values are JSON text.
 */
import type { Datum, Row } from '@aws-sdk/client-athena';
import { QUERY_COLUMN_NAMES } from '../../src/replay/query/sql.ts';

type Json = Record<string, unknown>;

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function columnValues(record: Json, lake: boolean): Record<string, string | undefined> {
  const identity = (record.userIdentity ?? {}) as Json;
  const session = (identity.sessionContext ?? {}) as Json;
  const issuer = (session.sessionIssuer ?? {}) as Json;
  const attributes = (session.attributes ?? {}) as Json;
  const map = (value: unknown): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (!lake || typeof value !== 'object') return text(value);
    return JSON.stringify(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v)])));
  };
  return {
    eventversion: text(record.eventVersion),
    ui_type: text(identity.type),
    ui_principalid: text(identity.principalId),
    ui_arn: text(identity.arn),
    ui_accountid: text(identity.accountId),
    ui_invokedby: text(identity.invokedBy),
    ui_accesskeyid: text(identity.accessKeyId),
    ui_username: text(identity.userName),
    ui_mfaauthenticated: text(attributes.mfaAuthenticated),
    ui_creationdate: text(attributes.creationDate),
    si_type: text(issuer.type),
    si_principalid: text(issuer.principalId),
    si_arn: text(issuer.arn),
    si_accountid: text(issuer.accountId),
    si_username: text(issuer.userName),
    eventtime: text(record.eventTime),
    eventsource: text(record.eventSource),
    eventname: text(record.eventName),
    awsregion: text(record.awsRegion),
    sourceipaddress: text(record.sourceIPAddress),
    useragent: text(record.userAgent),
    errorcode: text(record.errorCode),
    errormessage: text(record.errorMessage),
    requestparameters: map(record.requestParameters),
    responseelements: map(record.responseElements),
    requestid: text(record.requestID),
    eventid: text(record.eventID),
    eventtype: text(record.eventType),
    recipientaccountid: text(record.recipientAccountId),
  };
}

export const ATHENA_COLUMN_INFO = QUERY_COLUMN_NAMES.map((name) => ({ Name: name, Type: 'varchar' }));

/** One Athena row per record, in the query's column order. */
export function athenaRows(records: readonly Json[], header = false): Row[] {
  const rows = records.map((record) => {
    const values = columnValues(record, false);
    return {
      Data: QUERY_COLUMN_NAMES.map((name): Datum => {
        const value = values[name];
        return value === undefined ? {} : { VarCharValue: value };
      }),
    };
  });
  return header ? [{ Data: QUERY_COLUMN_NAMES.map((name) => ({ VarCharValue: name })) }, ...rows] : rows;
}

/** One CloudTrail Lake row per record: a list of one-column maps. */
export function lakeRows(records: readonly Json[]): Record<string, string>[][] {
  return records.map((record) => {
    const values = columnValues(record, true);
    return QUERY_COLUMN_NAMES.flatMap((name) => {
      const value = values[name];
      return value === undefined ? [] : [{ [name]: value }];
    });
  });
}
