/**
 * Boundary validation of one CloudTrail record. Loose on purpose: CloudTrail adds fields over time, so only
 * the fields guardrail relies on are checked; everything else passes through untouched.
 */
import * as z from 'zod';
import { formatPath, valueAt } from '../core/path.ts';
import type { CloudTrailRecord } from '../core/types.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Bounds real CloudTrail never exceeds; forged input beyond them is malformed, not rendered. */
/** An ISO 8601 date-time with a zone, as CloudTrail writes `eventTime`, that is also a real instant. */
export function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

const text = z.string({ error: 'expected a string' }).max(2048, { error: 'longer than 2048 characters' });
const required = (max: number) =>
  z
    .string({ error: 'expected a non-empty string' })
    .min(1, { error: 'expected a non-empty string' })
    .max(max, { error: `longer than ${max} characters` });
const objectOrNull = z
  .record(z.string(), z.unknown(), { error: 'expected an object or null' })
  .nullable()
  .optional()
  .transform((value) => value ?? null);

const IdentitySchema = z.looseObject(
  {
    type: text.optional(),
    arn: text.optional(),
    accountId: text.optional(),
    userName: text.optional(),
    principalId: text.optional(),
    invokedBy: text.optional(),
    sessionContext: z
      .looseObject({
        sessionIssuer: z
          .looseObject({ type: text.optional(), arn: text.optional(), userName: text.optional() })
          .optional(),
      })
      .optional(),
  },
  { error: 'expected an object' },
);

export const RecordSchema = z.looseObject(
  {
    eventID: required(128),
    eventTime: z.string({ error: 'expected an ISO 8601 time' }).refine(isIsoTime, {
      error: 'expected an ISO 8601 time',
    }),
    eventSource: required(128),
    eventName: required(128),
    awsRegion: required(64),
    sourceIPAddress: text.optional(),
    userAgent: text.optional(),
    userIdentity: IdentitySchema,
    requestParameters: objectOrNull,
    responseElements: objectOrNull,
    errorCode: text.optional(),
    errorMessage: text.optional(),
    recipientAccountId: text.optional(),
  },
  { error: 'expected a CloudTrail record (an object)' },
);

export type RecordCheck =
  | { readonly ok: true; readonly record: CloudTrailRecord }
  | { readonly ok: false; readonly reason: string; readonly eventId?: string };

/** Validates one record; on failure the reason names the first bad field, relative to the record. */
export function checkRecord(value: unknown): RecordCheck {
  const parsed = RecordSchema.safeParse(value);
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
