/**
 * The replay: sources → scanning threads → one aggregated report. Everything that can stop a replay from
 * starting (a missing source, an invalid baseline, an unknown rule) is checked before the first file is read.
 */
import { readFileSync } from 'node:fs';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Baseline } from '../baseline/baseline.ts';
import { parseBaseline } from '../baseline/load.ts';
import { BaselineError, errorMessage, UsageError } from '../core/errors.ts';
import type { Knowledge } from '../core/knowledge.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import { factsNeeded } from '../engine/evaluate.ts';
import type { AwsManagedRequest } from '../knowledge/awsManaged.ts';
import { awsManagedKey, isAwsManagedArn } from '../knowledge/awsManaged.ts';
import { offlineKnowledge } from '../knowledge/offline.ts';
import type { Progress } from './aggregate.ts';
import { ReplayAggregator } from './aggregate.ts';
import type { FileJob } from './jobs.ts';
import { selectRuleIds } from './options.ts';
import { runPool } from './pool.ts';
import type { athenaPages } from './query/athena.ts';
import type { lakePages } from './query/lake.ts';
import type { QueryPage, QuerySummary } from './query/types.ts';
import { judgeRecord, scanValues, unreadableResult } from './scan.ts';
import type { ScanInit } from './settings.ts';
import { settingsFrom, trailKnowledgeFrom } from './settings.ts';
import { listJobs, resolveSources } from './sources.ts';
import type { ReplayReport } from './types.ts';

export interface ReplayOptions {
  readonly sources: readonly string[];
  /** A baseline file, or its text already read (the Lambda loads it from S3 or SSM) with a name for messages. */
  readonly baseline: { readonly path: string } | { readonly text: string; readonly source: string };
  /** Rule ids as given to --rule (repeatable, comma-separated); empty for all. */
  readonly rules?: readonly string[];
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
  /** Scanning threads; 0 scans on the calling thread. */
  readonly workers: number;
  /** How long the calling thread scans alone before starting the workers (see pool.ts; tests use 0). */
  readonly inlineMs?: number;
  /** Built on first use only, so a replay of local files never touches AWS configuration. */
  readonly s3?: () => S3Client;
  /** Regions to read with LookupEvents; absent or empty: no lookup. */
  readonly lookup?: {
    readonly regions: readonly string[];
    readonly client: (region: string) => CloudTrailClient;
  };
  /**
   * For athena:// sources: the client (built on first use), workgroup, results location, and the query life
   * cycle itself (query/athena.ts), passed in so a bundle without Athena (the Lambda's) never holds its code.
   */
  readonly athena?: {
    readonly client: () => AthenaClient;
    readonly pages: typeof athenaPages;
    readonly workgroup?: string;
    readonly output?: string;
  };
  /** For cloudtrail-lake:// sources: the CloudTrail client of the store's region, and query/lake.ts. */
  readonly lake?: { readonly client: () => CloudTrailClient; readonly pages: typeof lakePages };
  /** Query sources only: the accounts and regions to read (partitions on Athena); empty for all. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /** Query sources only: the first wait between status checks (tests use 0). */
  readonly pollMs?: number;
  /**
   * False where the AWS managed-policy data is not carried (the replay function): AWS managed documents are
   * then unknown, saying so. Default true.
   */
  readonly awsManagedData?: boolean;
  /**
   * With `awsManagedData: false`: reads the AWS managed documents the deferred records need (the replay
   * function reads them from IAM, src/knowledge/iamManaged.ts), once the trail is read; without it they stay
   * unknown, saying so.
   */
  readonly awsManagedReader?: (requests: readonly AwsManagedRequest[]) => Promise<Knowledge['managedPolicy']>;
  readonly onDiscovered?: (files: number) => void;
  readonly onProgress?: (progress: Progress) => void;
}

function readBaselineText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read';
    throw new BaselineError(`${path}: ${reason}`, { cause: error });
  }
}

async function* counted(
  jobs: AsyncIterable<readonly FileJob[]>,
  onDiscovered?: (files: number) => void,
): AsyncGenerator<readonly FileJob[]> {
  let discovered = 0;
  for await (const batch of jobs) {
    discovered += batch.length;
    onDiscovered?.(discovered);
    yield batch;
  }
}

/** The AWS managed documents deferred records need, each as of its record's time. */
function awsManagedRequests(
  records: Iterable<CloudTrailRecord>,
  baseline: Baseline,
  knowledge: Knowledge,
): AwsManagedRequest[] {
  const requests = new Map<string, AwsManagedRequest>();
  for (const record of records) {
    for (const fact of factsNeeded(record, baseline, knowledge)) {
      if (fact.kind !== 'managedPolicy' || !isAwsManagedArn(fact.policyArn)) continue;
      const request: AwsManagedRequest = {
        policyArn: fact.policyArn,
        at: record.eventTime,
        ...(fact.versionId ? { versionId: fact.versionId } : {}),
      };
      requests.set(awsManagedKey(request), request);
    }
  }
  return [...requests.values()];
}

export async function runReplay(options: ReplayOptions): Promise<ReplayReport> {
  const ruleIds = selectRuleIds(options.rules ?? []);
  const baselineSource = 'path' in options.baseline ? options.baseline.path : options.baseline.source;
  const baselineText =
    'path' in options.baseline ? readBaselineText(options.baseline.path) : options.baseline.text;
  const init: ScanInit = {
    baselineText,
    baselineSource,
    ruleIds,
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
    ...(options.awsManagedData === false ? { awsManagedData: false } : {}),
    ...(options.awsManagedData === false && options.awsManagedReader ? { awsManagedLater: true } : {}),
  };
  // Validates the baseline once here, so a bad one fails before any thread starts (exit 2).
  const baseline = parseBaseline(baselineText, baselineSource);
  const regions = options.lookup?.regions ?? [];
  if (options.sources.length === 0 && regions.length === 0)
    throw new UsageError(
      'replay: give at least one SOURCE (file, directory, s3://bucket/prefix) or --lookup',
    );
  const specs = await resolveSources(options.sources, options.s3);

  const aggregator = new ReplayAggregator(ruleIds);
  const report = (): void => options.onProgress?.(aggregator.progress());
  const jobs = listJobs(specs, {
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
    onPruned: () => aggregator.prune(),
  });
  await runPool(counted(jobs, options.onDiscovered), {
    workers: options.workers,
    ...(options.inlineMs !== undefined ? { inlineMs: options.inlineMs } : {}),
    init,
    baseline,
    onResult: (result) => {
      aggregator.add(result);
      report();
    },
  });

  if (options.lookup && regions.length > 0) {
    // The CloudTrail client library loads only for --lookup.
    const { lookupPages } = await import('./lookup.ts');
    const settings = settingsFrom(init, baseline);
    for (const region of regions) {
      const pages = lookupPages(options.lookup.client(region), {
        region,
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.until !== undefined ? { until: options.until } : {}),
      });
      try {
        for await (const page of pages) {
          aggregator.add(scanValues([{ value: page.value, where: '' }], page.file, settings));
          report();
        }
      } catch (error) {
        // One region refusing or failing mid-way costs that region only: listed, and the replay goes on.
        const file = `cloudtrail-lookup:${region}`;
        aggregator.add(unreadableResult(file, errorMessage(error)));
        report();
      }
    }
  }

  for (const spec of specs) {
    if (spec.kind !== 'athena' && spec.kind !== 'lake') continue;
    const settings = settingsFrom(init, baseline);
    const window = {
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.accounts?.length ? { accounts: options.accounts } : {}),
      ...(options.regions?.length ? { regions: options.regions } : {}),
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      onSummary: (summary: QuerySummary) => aggregator.query(summary),
    };
    try {
      let pages: AsyncIterable<QueryPage>;
      if (spec.kind === 'athena') {
        if (!options.athena) throw new UsageError(`${spec.uri}: athena:// sources are not read here`);
        const { client, workgroup, output } = options.athena;
        pages = options.athena.pages(client(), spec.uri, spec, {
          ...window,
          ...(workgroup ? { workgroup } : {}),
          ...(output ? { output } : {}),
        });
      } else {
        if (!options.lake) throw new UsageError(`${spec.uri}: cloudtrail-lake:// sources are not read here`);
        pages = options.lake.pages(options.lake.client(), spec.uri, spec.eventDataStore, window);
      }
      for await (const page of pages) {
        aggregator.add(scanValues([{ value: { Records: page.records }, where: '' }], page.file, settings));
        report();
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      // A query that fails or is refused costs that source only: listed, and the replay goes on.
      aggregator.add(unreadableResult(spec.uri, errorMessage(error)));
      report();
    }
  }

  // What the whole trail teaches (collected from every input, thread and source), learned at once; then the
  // events that asked what only it could say are judged, each as of its own eventTime (ledger.ts).
  if (aggregator.deferredCount() > 0) {
    let trail = trailKnowledgeFrom(init);
    trail.learnAll(aggregator.teachingRecords());
    const settings = settingsFrom(init, baseline);
    if (init.awsManagedLater && options.awsManagedReader) {
      // The AWS managed documents the deferred records ask for, read at once; then the trail learned again
      // over them (a policy's holders and versions do not depend on them, its documents do).
      const requests = awsManagedRequests(aggregator.deferredRecords(), baseline, trail.knowledge());
      const awsManaged = await options.awsManagedReader(requests);
      trail = offlineKnowledge({ awsManaged });
      trail.learnAll(aggregator.teachingRecords());
    }
    const knowledge = trail.knowledge();
    aggregator.resolveDeferred((record) => judgeRecord(record, settings, knowledge));
    report();
  }

  return aggregator.report({
    sources: [...options.sources, ...regions.map((region) => `cloudtrail-lookup:${region}`)],
    baseline: baselineSource,
    rules: ruleIds,
    ...(options.since !== undefined ? { since: new Date(options.since).toISOString() } : {}),
    ...(options.until !== undefined ? { until: new Date(options.until).toISOString() } : {}),
  });
}
