/**
 * Middy middleware: the manual replay invocation's payload, validated at the boundary. An S3 prefix of
 * CloudTrail logs (optionally with a time window), an Athena table over the trail bucket
 * (`{"athena": {"table": "DATABASE.TABLE", ...}}`), or only a time window, which is then read from CloudTrail
 * LookupEvents (the last 90 days). A bad payload is one line naming the field, never a stack.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import * as z from 'zod/mini';
import { EventDecodeError } from '../../src/core/errors.ts';
import { formatPath } from '../../src/core/path.ts';
import { REPORT_FORMATS } from '../../src/replay/report/index.ts';

const S3_SOURCE = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const s3Source = z
  .string()
  .check(z.regex(S3_SOURCE, { error: 'expected s3://bucket/prefix (or a list of them)' }));

const name = z.string().check(z.regex(/^[A-Za-z_][\w-]{0,254}$/, { error: 'expected a name' }));

const AthenaRequestSchema = z.strictObject(
  {
    /** `DATABASE.TABLE`, e.g. the table `guardrail athena ddl` created. */
    table: z
      .string()
      .check(z.regex(/^[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$/, { error: 'expected DATABASE.TABLE' })),
    /** The workgroup the function's role may use (serverless.yml's AthenaWorkgroup). */
    workgroup: z.optional(name),
    accounts: z.optional(
      z.array(z.string().check(z.regex(/^\d{12}$/, { error: 'expected a 12-digit account id' }))),
    ),
    regions: z.optional(
      z.array(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected a region' }))),
    ),
  },
  { error: 'expected {"table": "DATABASE.TABLE", "workgroup"?, "accounts"?, "regions"?}' },
);

const ReplayRequestSchema = z.strictObject(
  {
    /** `s3://bucket/prefix` of CloudTrail logs, one or several. */
    source: z.optional(
      z.pipe(
        z.union([s3Source, z.array(s3Source).check(z.minLength(1))], {
          error: 'expected s3://bucket/prefix (or a list of them)',
        }),
        z.transform((value: string | string[]) => [value].flat()),
      ),
    ),
    /** An Athena table over the trail bucket: one query returns only the watched events. */
    athena: z.optional(AthenaRequestSchema),
    since: z.optional(z.string().check(z.minLength(1))),
    until: z.optional(z.string().check(z.minLength(1))),
    rules: z.optional(z.array(z.string())),
    format: z._default(z.enum(REPORT_FORMATS), 'html'),
    notify: z._default(z.boolean(), true),
  },
  { error: 'expected a replay request object' },
);

export type ReplayRequest = z.output<typeof ReplayRequestSchema>;

export interface DecodedReplayRequest {
  readonly replayId: string;
  readonly request: ReplayRequest;
}

export function decodeReplayRequest(logger: Logger): MiddlewareObj {
  return {
    name: 'decodeReplayRequest',
    before: (request) => {
      const parsed = ReplayRequestSchema.safeParse(request.event ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new EventDecodeError(
          `replay request: ${formatPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
        );
      }
      if (!parsed.data.source && !parsed.data.athena && parsed.data.since === undefined) {
        throw new EventDecodeError(
          'replay request: expected source (s3://bucket/prefix), athena ({"table": "DATABASE.TABLE"}) or a time range (since, until)',
        );
      }
      const replayId = `replay-${request.context.awsRequestId}`;
      logger.appendKeys({ eventId: replayId });
      request.event = { replayId, request: parsed.data } satisfies DecodedReplayRequest;
    },
  };
}
