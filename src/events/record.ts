/**
 * Boundary validation of one CloudTrail record. Loose on purpose: CloudTrail adds fields over time, so only
 * the fields guardrail relies on are checked; everything else passes through untouched.
 */
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
    responseElements: objectOrNull,
    errorCode: optionalText,
    errorMessage: optionalText,
    recipientAccountId: optionalText,
  },
  { error: 'expected a CloudTrail record (an object)' },
);

export type RecordCheck =
  | { readonly ok: true; readonly record: CloudTrailRecord }
  | { readonly ok: false; readonly reason: string; readonly eventId?: string };

/** Validates one record; on failure the reason names the first bad field, relative to the record. */
export function checkRecord(value: unknown): RecordCheck {
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
