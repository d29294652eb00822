/**
 * Boundary validation of one CloudTrail record. Loose on purpose: CloudTrail adds fields over time, so only
 * the fields guardrail relies on are checked; everything else passes through untouched.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { formatPath, valueAt } from '../core/path.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { ENGLISH_ERRORS } from '../core/zod.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of an ISO 8601 date-time with a zone, as CloudTrail writes `eventTime`; undefined if not one. */
export function isoTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_TIME.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** An ISO 8601 date-time with a zone that is also a real instant. */
export function isIsoTime(value: unknown): value is string {
  return isoTimeMs(value) !== undefined;
}

/** Bounds real CloudTrail never exceeds; forged input beyond them is malformed, not rendered. */
const text = z
  .string({ error: 'expected a string' })
  .check(z.maxLength(2048, { error: 'longer than 2048 characters' }));
const optionalText = z.optional(text);
const required = (max: number) =>
  z
    .string({ error: 'expected a non-empty string' })
    .check(
      z.minLength(1, { error: 'expected a non-empty string' }),
      z.maxLength(max, { error: `longer than ${max} characters` }),
    );
/** `responseElements` that is not an object (CloudTrail has written the string "None") says nothing: absent. */
const objectOrAbsent = z.pipe(
  z.unknown(),
  z.transform((value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null,
  ),
);
const objectOrNull = z.pipe(
  z.optional(z.nullable(z.record(z.string(), z.unknown(), { error: 'expected an object or null' }))),
  z.transform((value) => value ?? null),
);

const IdentitySchema = z.looseObject(
  {
    type: optionalText,
    arn: optionalText,
    accountId: optionalText,
    userName: optionalText,
    principalId: optionalText,
    invokedBy: optionalText,
    sessionContext: z.optional(
      z.looseObject({
        sessionIssuer: z.optional(
          z.looseObject({ type: optionalText, arn: optionalText, userName: optionalText }),
        ),
      }),
    ),
  },
  { error: 'expected an object' },
);

export const RecordSchema = z.looseObject(
  {
    eventID: required(128),
    eventTime: z
      .string({ error: 'expected an ISO 8601 time' })
      .check(z.refine(isIsoTime, { error: 'expected an ISO 8601 time' })),
    eventSource: required(128),
    eventName: required(128),
    awsRegion: required(64),
    sourceIPAddress: optionalText,
    userAgent: optionalText,
    userIdentity: IdentitySchema,
    requestParameters: objectOrNull,
    responseElements: objectOrAbsent,
    errorCode: optionalText,
    errorMessage: optionalText,
    recipientAccountId: optionalText,
  },
  { error: 'expected a CloudTrail record (an object)' },
);

/** The record's own word that it is an API call; records before eventType existed are API calls. */
const API_CALL = 'AwsApiCall';

/**
 * Why a record is not an API call, or undefined when it is (or may be) one: Insights events
 * (`AwsCloudTrailInsight`) never are, and other event types (`AwsServiceEvent`, `AwsConsoleSignIn`...)
 * are not when they lack the API call's `eventSource` or `eventName`. With those fields they go on to the
 * engine, which skips what it does not watch.
 */
export function notApiCallReason(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { eventType, eventSource, eventName } = value as Record<string, unknown>;
  if (typeof eventType !== 'string' || eventType === API_CALL) return undefined;
  const hasApiFields =
    typeof eventSource === 'string' &&
    eventSource !== '' &&
    typeof eventName === 'string' &&
    eventName !== '';
  if (eventType === 'AwsCloudTrailInsight' || !hasApiFields)
    return `not an API call (eventType ${JSON.stringify(eventType).slice(0, 80)})`;
  return undefined;
}

/** Sorted keys, nulls and undefined dropped: the same record read from a log file or rebuilt elsewhere hashes alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Prefix of the ids guardrail derives, so a reader never mistakes one for CloudTrail's own. */
export const DERIVED_ID_PREFIX = 'derived-';

/**
 * A stable id for a record without `eventID` (CloudTrail adds it from eventVersion 1.01): a hash of the
 * record's content, so the same record gets the same id in every replay and deduplicates like any other.
 */
export function derivedEventId(value: object): string {
  return `${DERIVED_ID_PREFIX}${createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32)}`;
}

function withEventId(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if ((value as { eventID?: unknown }).eventID !== undefined) return value;
  return { ...value, eventID: derivedEventId(value) };
}

export type RecordCheck =
  | { readonly ok: true; readonly record: CloudTrailRecord }
  | { readonly ok: false; readonly reason: string; readonly eventId?: string };

/** Validates one record; on failure the reason names the first bad field, relative to the record. */
export function checkRecord(input: unknown): RecordCheck {
  const value = withEventId(input);
  const parsed = RecordSchema.safeParse(value, { error: ENGLISH_ERRORS });
  if (parsed.success) return { ok: true, record: parsed.data as CloudTrailRecord };
  const issue = parsed.error.issues[0];
  const path = issue ? formatPath(issue.path) : '(record)';
  const missing = issue?.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
  const reason = `${path === '(top level)' ? 'record' : path}: ${missing ? 'missing' : (issue?.message ?? 'invalid')}`;
  const eventId =
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { eventID?: unknown }).eventID === 'string'
      ? (value as { eventID: string }).eventID
      : undefined;
  return { ok: false, reason, ...(eventId ? { eventId } : {}) };
}
