/**
 * Middy middleware: the manual replay invocation's payload, validated at the boundary. Either an S3 prefix of
 * CloudTrail logs (optionally with a time window) or only a time window, which is then read from CloudTrail
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
      if (!parsed.data.source && parsed.data.since === undefined) {
        throw new EventDecodeError(
          'replay request: expected source (s3://bucket/prefix) or a time range (since, until)',
        );
      }
      const replayId = `replay-${request.context.awsRequestId}`;
      logger.appendKeys({ eventId: replayId });
      request.event = { replayId, request: parsed.data } satisfies DecodedReplayRequest;
    },
  };
}
