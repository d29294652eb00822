/**
 * Manual replay (invoked by a person or a pipeline, not by EventBridge): audit an S3 prefix of CloudTrail
 * logs, or a time range read from LookupEvents, with the same engine as the CLI; write the report to S3 and
 * send one digest through the same notifier as the live functions. Payload, e.g.
 *   {"source": "s3://org-trail/AWSLogs/123456789012/CloudTrail/us-east-1/2026/", "since": "2026-01-01"}
 *   {"since": "7d", "format": "md"}
 * Scans on the calling thread (the bundle has no TypeScript workers); histories longer than a Lambda's
 * 15 minutes belong to `guardrail replay` on a machine.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { parseBaseline } from '../src/baseline/load.ts';
import type { Knowledge } from '../src/core/knowledge.ts';
import type { AwsManagedRequest } from '../src/knowledge/awsManaged.ts';
import { replayDigest } from '../src/replay/digest.ts';
import { checkRange, parseTimeBound } from '../src/replay/options.ts';
import { runReplay } from '../src/replay/replay.ts';
import type { ReportFormat } from '../src/replay/report/index.ts';
import { renderReport } from '../src/replay/report/index.ts';
import type { ReplaySummary } from '../src/replay/types.ts';
import {
  baselineSource,
  minSeverity,
  replayRegions,
  reportBucket,
  reportPrefix,
  s3PathStyle,
} from './config.ts';
import { readBaselineText } from './lib/baseline.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv } from './lib/runtime.ts';
import { writeS3 } from './lib/writeS3.ts';
import type { DecodedReplayRequest } from './middleware/decodeReplayRequest.ts';
import { decodeReplayRequest } from './middleware/decodeReplayRequest.ts';
import { logErrors } from './middleware/logErrors.ts';

const FILES: Record<ReportFormat, { readonly extension: string; readonly contentType: string }> = {
  html: { extension: 'html', contentType: 'text/html; charset=utf-8' },
  md: { extension: 'md', contentType: 'text/markdown; charset=utf-8' },
  json: { extension: 'json', contentType: 'application/json' },
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  sarif: { extension: 'sarif', contentType: 'application/sarif+json' },
};

export interface ReplayResult {
  readonly replayId: string;
  /** s3:// URLs of the report in the requested format and, beside it, the JSON report. */
  readonly reports: readonly string[];
  readonly summary: ReplaySummary;
  /** SNS message id of the digest, or null when the request said notify: false. */
  readonly messageId: string | null;
}

const logger = createLogger('replay');
const s3 = new S3Client({ ...CLIENT_CONFIG, forcePathStyle: s3PathStyle() });
const sns = new SNSClient(CLIENT_CONFIG);
// Only a time-range replay reads LookupEvents: its client loads then, not at every cold start.
const trails = new Map<string, CloudTrailClient>();
async function trailClients(): Promise<(region: string) => CloudTrailClient> {
  const { CloudTrailClient } = await import('../src/replay/lookup.ts');
  return (region) => {
    const client = trails.get(region) ?? new CloudTrailClient({ ...CLIENT_CONFIG, region });
    trails.set(region, client);
    return client;
  };
}
// IAM is read only when replayed records gained AWS managed policies (the zip does not carry their data).
let iam: IAMClient | undefined;
async function awsManagedReader(requests: readonly AwsManagedRequest[]): Promise<Knowledge['managedPolicy']> {
  const { IAMClient, readAwsManagedFromIam } = await import('../src/knowledge/iamManaged.ts');
  iam ??= new IAMClient(CLIENT_CONFIG);
  return readAwsManagedFromIam(iam, requests);
}
// Only an {"athena": ...} replay queries Athena: its client loads then.
let athena: AthenaClient | undefined;
async function athenaSource() {
  const { AthenaClient, athenaPages } = await import('../src/replay/query/athena.ts');
  athena ??= new AthenaClient(CLIENT_CONFIG);
  const client = athena;
  return { client: () => client, pages: athenaPages };
}
const source = baselineSource();
const bucket = reportBucket();
const prefix = reportPrefix();
const lookupRegions = replayRegions();
const notifier = snsNotifierFromEnv(sns);
const severityOverride = minSeverity();

export const handler = middy(async (event: unknown): Promise<ReplayResult> => {
  const { replayId, request } = event as DecodedReplayRequest;
  const now = Date.now();
  const since = request.since !== undefined ? parseTimeBound('since', request.since, now) : undefined;
  const until = request.until !== undefined ? parseTimeBound('until', request.until, now) : undefined;
  checkRange(since, until);
  const baselineText = await readBaselineText(source);
  const query = request.athena;
  const report = await runReplay({
    sources: [...(request.source ?? []), ...(query ? [`athena://${query.table}`] : [])],
    baseline: { text: baselineText, source: source.label },
    rules: request.rules ?? [],
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
    workers: 0,
    // The zip stays small: no AWS managed-policy data here; the documents replayed records need are read from
    // IAM once the trail is read (docs/replay.md, "The replay function").
    awsManagedData: false,
    awsManagedReader,
    s3: () => s3,
    ...(query
      ? {
          // Results beside the reports, where the role may write; the workgroup is the one the role may use.
          athena: {
            ...(await athenaSource()),
            workgroup: query.workgroup ?? 'primary',
            output: `s3://${bucket}/${prefix}athena-results/`,
          },
          ...(query.accounts ? { accounts: query.accounts } : {}),
          ...(query.regions ? { regions: query.regions } : {}),
        }
      : {}),
    // Without an S3 or Athena source, the time range is read from CloudTrail's own 90-day history.
    ...(request.source || query ? {} : { lookup: { regions: lookupRegions, client: await trailClients() } }),
  });
  const formats: ReportFormat[] = request.format === 'json' ? ['json'] : [request.format, 'json'];
  const reports: string[] = [];
  for (const format of formats) {
    const file = FILES[format];
    const key = `${prefix}${replayId}.${file.extension}`;
    await writeS3(s3, bucket, key, renderReport(report, format), file.contentType);
    reports.push(`s3://${bucket}/${key}`);
  }
  logger.info('replay written', { reports, ...report.summary });
  let messageId: string | null = null;
  if (request.notify) {
    const threshold = severityOverride ?? parseBaseline(baselineText, source.label).notify.minSeverity;
    const digest = replayDigest(report, {
      id: replayId,
      minSeverity: threshold,
      reportLocation: reports[0] ?? '',
    });
    messageId = (await notifier.digest(digest)).messageId;
  }
  return { replayId, reports, summary: report.summary, messageId };
})
  // Same order as the other handlers: context, error line, then the decoded request.
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logErrors(logger))
  .use(decodeReplayRequest(logger));
