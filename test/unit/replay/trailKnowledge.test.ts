/**
 * The replay learns from the whole trail, as `guardrail evaluate` does: a customer-managed policy created in
 * one file and attached or given a new default version in another is judged from its documents, whatever the
 * files' order, the number of threads or the source kind (the deferral design, src/replay/replay.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateInputs } from '../../../src/cli/evaluate.ts';
import type { Finding } from '../../../src/core/types.ts';
import type { AwsManagedRequest } from '../../../src/knowledge/awsManaged.ts';
import { awsManagedPolicies } from '../../../src/knowledge/offline.ts';
import { athenaPages } from '../../../src/replay/query/athena.ts';
import { runReplay } from '../../../src/replay/replay.ts';
import { scanBytes } from '../../../src/replay/scan.ts';
import { settingsFrom } from '../../../src/replay/settings.ts';
import type { ReplayReport } from '../../../src/replay/types.ts';
import { RULES } from '../../../src/rules/index.ts';
import { EXAMPLE_BASELINE_PATH, exampleBaseline } from '../../helpers/baseline.ts';
import { ensureManagedPolicyData } from '../../helpers/policyManaged.ts';
import { ATHENA_COLUMN_INFO, athenaRows } from '../../helpers/queryResults.ts';
import type { Json } from '../../helpers/records.ts';
import {
  addUserToGroup,
  attachPolicy,
  createGroup,
  createPolicy,
  createPolicyVersion,
  createUser,
  detachPolicy,
  policyArn,
  putGroupPolicy,
  setDefaultPolicyVersion,
} from '../../helpers/records.ts';
import { tempDir, writeLog } from '../../helpers/replay.ts';

const at = (minute: number) => `2026-11-20T10:${String(minute).padStart(2, '0')}:00Z`;
const doc = (Action: string, Resource = '*') => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});
const SEED = 'ImageGeneratorS3Access';
const BACKDOOR = 'Backdoor';

/** A trail of every path the ledgers learn, in time order (the policies are created before they are used). */
const TRAIL: readonly Json[] = [
  createPolicy(SEED, doc('s3:GetObject', 'arn:aws:s3:::short-drama-assets/*'), { eventTime: at(10) }),
  attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn(SEED), { eventTime: at(11) }),
  // Not in the baseline: only the trail knows its document.
  createPolicy(BACKDOOR, doc('iam:PassRole'), { eventTime: at(12) }),
  attachPolicy('Role', 'XploreEC2Role', policyArn(BACKDOOR), { eventTime: at(13) }),
  attachPolicy('Role', 'XploreEC2Role', 'arn:aws:iam::aws:policy/AdministratorAccess', { eventTime: at(14) }),
  createPolicyVersion(policyArn(BACKDOOR), doc('iam:*'), 'v2', true, { eventTime: at(15) }),
  createPolicyVersion(policyArn(SEED), doc('s3:*'), 'v2', true, { eventTime: at(20) }),
  setDefaultPolicyVersion(policyArn(SEED), 'v1', { eventTime: at(21) }),
  createGroup('ops', { eventTime: at(30) }),
  putGroupPolicy('ops', 'everything', doc('*'), { eventTime: at(31) }),
  addUserToGroup('cml-cloud-manager-service', 'ops', { eventTime: at(32) }),
  // Alone in its file in some splits: it teaches and no rule judges it, so the prefilter must still parse it.
  detachPolicy('Role', 'XploreEC2Role', policyArn(BACKDOOR), { eventTime: at(40) }),
  createPolicyVersion(policyArn(BACKDOOR), doc('iam:*'), 'v3', true, { eventTime: at(41) }),
  createUser('backdoor-user', { eventTime: at(50) }),
];

/** Findings as a set: the replay adds where each was read and orders them; compare what they say. */
function canonical(findings: readonly Finding[]): string[] {
  return findings
    .map((finding) => {
      const { source: _source, ...rest } = finding as Finding & { source?: unknown };
      return JSON.stringify(rest);
    })
    .sort();
}

const baseline = { path: EXAMPLE_BASELINE_PATH };
let evaluated: string[];
const dirs: (() => void)[] = [];

function trailDir(): string {
  const { dir, cleanup } = tempDir('guardrail-trailknow-');
  dirs.push(cleanup);
  return dir;
}

beforeAll(async () => {
  ensureManagedPolicyData();
  const dir = trailDir();
  const path = join(dir, 'all.json');
  writeFileSync(path, JSON.stringify({ Records: TRAIL }));
  evaluated = canonical((await evaluateInputs([path], exampleBaseline())).findings);
});

afterAll(() => {
  for (const cleanup of dirs) cleanup();
});

function kinds(report: ReplayReport): string[] {
  return report.findings.map((f) => `${f.eventName} ${f.ruleId} ${f.resource}`).sort();
}

describe('replay with what the whole trail teaches', () => {
  it('judges a policy created in one file and attached or versioned in another as evaluate does, on 0 and 2 workers', async () => {
    const dir = trailDir();
    const [createSeed, attachSeed, createBackdoor, attachBackdoor, attachAdmin, version, ...rest] = TRAIL;
    // The uses sort before the creations, so the scan meets them first.
    writeLog(dir, 'a/uses.json.gz', [attachSeed, attachBackdoor, version, attachAdmin] as Json[]);
    writeLog(dir, 'b/creations.json.gz', [createSeed, createBackdoor] as Json[]);
    writeLog(dir, 'c/rest.json', rest);
    const inline = await runReplay({ sources: [dir], baseline, workers: 0 });
    const threaded = await runReplay({ sources: [dir], baseline, workers: 2, inlineMs: 0 });
    expect(threaded).toEqual(inline);
    expect(canonical(inline.findings)).toEqual(evaluated);
    expect(inline.summary.evaluated).toBe(TRAIL.length);
    // What was unknown-document before the replay learned from the trail.
    expect(kinds(inline)).not.toContainEqual(expect.stringContaining('iam.policy.unknown-document'));
    expect(kinds(inline)).toEqual(
      expect.arrayContaining([
        `AttachRolePolicy iam.policy.drift arn:aws:iam::123456789012:role/XploreEC2Role`,
        `CreatePolicyVersion iam.policy.drift ${policyArn(SEED)}`,
        'AddUserToGroup iam.policy.drift arn:aws:iam::123456789012:user/cml-cloud-manager-service',
      ]),
    );
    const v2 = inline.findings.find((f) => f.eventName === 'CreatePolicyVersion' && f.eventTime === at(15));
    expect(v2?.details).toMatchObject({ principals: ['role/XploreEC2Role'] });
    // After the detachment (another file), the same document as a v3 reaches no one: nothing to say.
    expect(inline.findings.filter((f) => f.eventTime === at(41))).toEqual([]);
    // Two replays, one starting two worker threads that load TypeScript through tsx, each analysing cold.
  }, 60_000);

  it('learns across Athena result pages, newest first, as evaluate does', async () => {
    const athena = mockClient(AthenaClient);
    try {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
      athena.on(GetQueryExecutionCommand).resolves({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1024 } },
      });
      const rows = athenaRows([...TRAIL].reverse(), true);
      // The header row and two records, then two records a page.
      const pages = [rows.slice(0, 3)];
      for (let at = 3; at < rows.length; at += 2) pages.push(rows.slice(at, at + 2));
      pages.forEach((page, index) => {
        athena
          .on(
            GetQueryResultsCommand,
            { QueryExecutionId: 'q-1', ...(index ? { NextToken: `t${index}` } : {}) },
            false,
          )
          .resolves({
            ResultSet: { ResultSetMetadata: { ColumnInfo: ATHENA_COLUMN_INFO }, Rows: page },
            ...(index < pages.length - 1 ? { NextToken: `t${index + 1}` } : {}),
          });
      });
      const report = await runReplay({
        sources: ['athena://security.cloudtrail_logs'],
        baseline,
        workers: 0,
        pollMs: 0,
        athena: { pages: athenaPages, client: () => new AthenaClient({ region: 'us-east-1' }) },
      });
      expect(report.summary.queries?.[0]?.rows).toBe(TRAIL.length);
      expect(canonical(report.findings)).toEqual(evaluated);
    } finally {
      athena.restore();
    }
  });

  it('without the AWS managed data (the replay function): reads what the deferred records need, then judges as evaluate', async () => {
    const dir = trailDir();
    writeLog(dir, 'all.json', TRAIL as Json[]);
    const asked: AwsManagedRequest[][] = [];
    const report = await runReplay({
      sources: [dir],
      baseline,
      workers: 0,
      awsManagedData: false,
      // Stands in for IAM (src/knowledge/iamManaged.ts): the same documents the data package holds.
      awsManagedReader: async (requests) => {
        asked.push([...requests]);
        return awsManagedPolicies();
      },
    });
    expect(asked).toEqual([[{ policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', at: at(14) }]]);
    expect(canonical(report.findings)).toEqual(evaluated);
    // Without a reader the function could only say it does not know the document.
    const blind = await runReplay({ sources: [dir], baseline, workers: 0, awsManagedData: false });
    expect(kinds(blind)).toContainEqual(
      'AttachRolePolicy iam.policy.unknown-document arn:aws:iam::123456789012:role/XploreEC2Role',
    );
  });

  it('evaluates in the thread what needs no trail fact, and defers the rest with its record', () => {
    const ruleIds = RULES.map((rule) => rule.id);
    const settings = settingsFrom({ baselineText: '', baselineSource: 'x', ruleIds }, exampleBaseline());
    // AttachRolePolicy of AdministratorAccess, of the customer-managed Backdoor, then a CreateUser.
    const records = [TRAIL[4], TRAIL[3], TRAIL[13]] as Json[];
    const result = scanBytes(Buffer.from(JSON.stringify({ Records: records })), 'mixed.json', settings);
    expect(result.watched.map((w) => w.outcome.kind)).toEqual(['evaluated', 'deferred', 'evaluated']);
    const deferred = result.watched[1]?.outcome;
    expect(deferred?.kind === 'deferred' && deferred.record.eventID).toBe(records[1]?.eventID);
    expect(result.teaching?.map((r) => r.eventName)).toEqual(['AttachRolePolicy', 'AttachRolePolicy']);
  });

  it('parses a gzip file holding only a record that teaches, and returns it', () => {
    const settings = settingsFrom({ baselineText: '', baselineSource: 'x', ruleIds: [] }, exampleBaseline());
    const detach = TRAIL[11] as Json;
    const bytes = gzipSync(JSON.stringify({ Records: [detach] }));
    const result = scanBytes(bytes, 'detach.json.gz', settings);
    expect(result.teaching?.map((r) => r.eventName)).toEqual(['DetachRolePolicy']);
    // Outside --since/--until it teaches nothing: Athena, Lake and LookupEvents never return it either.
    const late = scanBytes(bytes, 'detach.json.gz', { ...settings, until: Date.parse(at(0)) });
    expect(late.teaching).toBeUndefined();
    expect(late.outOfRange).toBe(1);
  });

  // Each run is a whole replay from a freshly compiled baseline, so its policy analyses start cold (about
  // 0.2 s on a quiet machine): a dozen runs need more than the default per-test budget.
  it('gives the findings evaluate gives, for any split of the trail into files, order and redelivery', async () => {
    const n = TRAIL.length;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(3), { minLength: n, maxLength: n }),
        fc.shuffledSubarray([...TRAIL.keys()], { minLength: n, maxLength: n }),
        fc.option(fc.nat(n - 1), { nil: undefined }),
        fc.boolean(),
        async (fileOf, order, redelivered, gzip) => {
          const dir = trailDir();
          const files = new Map<number, Json[]>();
          for (const index of order) {
            const file = fileOf[index] ?? 0;
            files.set(file, [...(files.get(file) ?? []), TRAIL[index] as Json]);
          }
          for (const [file, records] of files) writeLog(dir, `f${file}.json${gzip ? '.gz' : ''}`, records);
          if (redelivered !== undefined) writeLog(dir, 'again.json', [TRAIL[redelivered] as Json]);
          const report = await runReplay({ sources: [dir], baseline, workers: 0 });
          expect(canonical(report.findings)).toEqual(evaluated);
          expect(report.summary.duplicates).toBe(redelivered === undefined ? 0 : 1);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
