/**
 * The replay handler module with AWS mocked at the client class: a time range without an S3 source is read
 * from CloudTrail LookupEvents (moto does not implement it), the report lands in S3, one digest is sent.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetPolicyVersionCommand, IAMClient, ListPolicyVersionsCommand } from '@aws-sdk/client-iam';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { accessDenied } from '../../helpers/awsErrors.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';
import { lambdaContext } from '../../helpers/lambda.ts';
import type { CapturedLogs } from '../../helpers/logs.ts';
import { captureLogs } from '../../helpers/logs.ts';
import { paced } from '../../helpers/paced.ts';
import { ATHENA_COLUMN_INFO, athenaRows } from '../../helpers/queryResults.ts';
import { attachPolicy, createPolicy, createUser, policyArn } from '../../helpers/records.ts';

const trailMock = mockClient(CloudTrailClient);
const iamMock = mockClient(IAMClient);
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const athenaMock = mockClient(AthenaClient);

const ENV = {
  GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH,
  GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail',
  GUARDRAIL_REPORT_BUCKET: 'guardrail-reports',
  GUARDRAIL_REPORT_PREFIX: 'audits',
  GUARDRAIL_REPLAY_REGIONS: 'us-east-1',
  AWS_REGION: 'us-east-1',
};

describe('replay handler', () => {
  let logs: CapturedLogs;
  beforeAll(() => {
    for (const [key, value] of Object.entries(ENV)) vi.stubEnv(key, value);
  });
  afterAll(() => vi.unstubAllEnvs());
  beforeEach(() => {
    for (const mock of [trailMock, s3Mock, snsMock, athenaMock, iamMock]) mock.reset();
    iamMock.on(ListPolicyVersionsCommand, { PolicyArn: ADMIN }).resolves({
      Versions: [{ VersionId: 'v1', CreateDate: new Date('2015-02-06T18:39:46Z'), IsDefaultVersion: true }],
    });
    iamMock.on(GetPolicyVersionCommand, { PolicyArn: ADMIN, VersionId: 'v1' }).resolves({
      PolicyVersion: {
        VersionId: 'v1',
        Document: encodeURIComponent(
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
        ),
      },
    });
    s3Mock.on(PutObjectCommand).resolves({});
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    logs = captureLogs();
    return () => logs.restore();
  });

  it('reads a time range from LookupEvents, writes the report under the prefix, notifies once', async () => {
    const backdoor = createUser('backdoor', { eventTime: new Date(Date.now() - 3_600_000).toISOString() });
    trailMock
      .on(LookupEventsCommand)
      .callsFake((input: { LookupAttributes?: { AttributeValue?: string }[] }) => ({
        Events:
          input.LookupAttributes?.[0]?.AttributeValue === 'CreateUser'
            ? [{ EventId: String(backdoor.eventID), CloudTrailEvent: JSON.stringify(backdoor) }]
            : [],
      }));
    const { handler } = await import('../../../handlers/replay.ts');
    const result = await paced(() =>
      handler({ since: '1d', format: 'md' }, lambdaContext('guardrail-replay')),
    );
    expect(result.summary).toMatchObject({ findings: 1, evaluated: 1 });
    expect(trailMock.commandCalls(LookupEventsCommand).length).toBeGreaterThanOrEqual(4);
    const keys = s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([`audits/${result.replayId}.md`, `audits/${result.replayId}.json`]);
    const published = snsMock.commandCalls(PublishCommand);
    expect(published).toHaveLength(1);
    expect(published[0]?.args[0].input.Subject).toBe('[guardrail] Replay of CloudTrail history: 1 finding');
    expect(result.messageId).toBe('m-1');
  });

  it('learns a policy from one LookupEvents page for an attachment on another; reads AWS managed documents from IAM', async () => {
    const hoursAgo = (hours: number) => ({
      eventTime: new Date(Date.now() - hours * 3_600_000).toISOString(),
    });
    const byName: Record<string, Record<string, unknown>[]> = {
      CreatePolicy: [
        createPolicy(
          'Backdoor',
          { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] },
          hoursAgo(3),
        ),
      ],
      AttachRolePolicy: [
        attachPolicy('Role', 'XploreEC2Role', policyArn('Backdoor'), hoursAgo(2)),
        attachPolicy('Role', 'XploreEC2Role', 'arn:aws:iam::aws:policy/AdministratorAccess', hoursAgo(1)),
      ],
    };
    trailMock
      .on(LookupEventsCommand)
      .callsFake((input: { LookupAttributes?: { AttributeValue?: string }[] }) => ({
        Events: (byName[input.LookupAttributes?.[0]?.AttributeValue ?? ''] ?? []).map((event) => ({
          EventId: String(event.eventID),
          CloudTrailEvent: JSON.stringify(event),
        })),
      }));
    const { handler } = await import('../../../handlers/replay.ts');
    const result = await paced(() =>
      handler({ since: '1d', format: 'json', notify: false }, lambdaContext('guardrail-replay')),
    );
    const body = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Body;
    const findings = (
      JSON.parse(String(body)) as {
        findings: { ruleId: string; summary: string; details: { policyArn?: string } }[];
      }
    ).findings;
    const about = (arn: string) => findings.filter((f) => f.details.policyArn === arn).map((f) => f.ruleId);
    expect(about(policyArn('Backdoor'))).toContain('iam.policy.drift');
    expect(about(policyArn('Backdoor'))).not.toContain('iam.policy.unknown-document');
    // AdministratorAccess as IAM gives it (its one version, `*` on `*`), read as of the attachment's time.
    expect(about(ADMIN)).toEqual(expect.arrayContaining(['iam.policy.drift', 'iam.policy.privesc']));
    expect(about(ADMIN)).not.toContain('iam.policy.unknown-document');
    expect(iamMock.commandCalls(ListPolicyVersionsCommand).map((c) => c.args[0].input.PolicyArn)).toEqual([
      ADMIN,
    ]);
    expect(result.summary).toMatchObject({ evaluated: 3 });
  });

  it('says why an AWS managed document is unknown when IAM refuses to read it', async () => {
    iamMock.on(ListPolicyVersionsCommand).rejects(accessDenied('iam:ListPolicyVersions'));
    trailMock
      .on(LookupEventsCommand)
      .callsFake((input: { LookupAttributes?: { AttributeValue?: string }[] }) => ({
        Events:
          input.LookupAttributes?.[0]?.AttributeValue === 'AttachRolePolicy'
            ? [attachPolicy('Role', 'XploreEC2Role', ADMIN, { eventTime: new Date().toISOString() })].map(
                (event) => ({ EventId: String(event.eventID), CloudTrailEvent: JSON.stringify(event) }),
              )
            : [],
      }));
    const { handler } = await import('../../../handlers/replay.ts');
    await paced(() =>
      handler({ since: '1d', format: 'json', notify: false }, lambdaContext('guardrail-replay')),
    );
    const body = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Body;
    const findings = (JSON.parse(String(body)) as { findings: { ruleId: string; summary: string }[] })
      .findings;
    expect(findings.map((f) => f.ruleId)).toEqual(['iam.policy.unknown-document']);
    expect(findings[0]?.summary).toContain(`${ADMIN} could not be read from IAM (AccessDenied`);
  });

  it('sends nothing when the request says notify: false', async () => {
    trailMock.on(LookupEventsCommand).resolves({ Events: [] });
    const { handler } = await import('../../../handlers/replay.ts');
    const result = await paced(() =>
      handler({ since: '1d', notify: false }, lambdaContext('guardrail-replay')),
    );
    expect(result.messageId).toBeNull();
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(2);
  });

  it('queries an Athena table for {"athena": ...}: its workgroup, results beside the reports, no LookupEvents', async () => {
    const backdoor = createUser('backdoor', { eventTime: '2026-02-01T10:00:00Z' });
    athenaMock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athenaMock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1024 } },
    });
    athenaMock.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: ATHENA_COLUMN_INFO },
        Rows: athenaRows([backdoor], true),
      },
    });
    const { handler } = await import('../../../handlers/replay.ts');
    const result = await handler(
      {
        athena: { table: 'security.cloudtrail_logs', workgroup: 'guardrail', accounts: ['123456789012'] },
        since: '2026-01-01',
        until: '2026-03-01',
        notify: false,
      },
      lambdaContext('guardrail-replay'),
    );
    expect(result.summary).toMatchObject({ findings: 1, evaluated: 1, unreadable: 0 });
    expect(result.summary.queries?.[0]).toMatchObject({ queryId: 'q-9', rows: 1 });
    const start = athenaMock.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start?.WorkGroup).toBe('guardrail');
    expect(start?.ResultConfiguration?.OutputLocation).toBe('s3://guardrail-reports/audits/athena-results/');
    expect(start?.QueryString).toContain("account IN ('123456789012')");
    expect(trailMock.commandCalls(LookupEventsCommand)).toHaveLength(0);
  });

  it('refuses an athena request that does not name DATABASE.TABLE, in one line', async () => {
    const { handler } = await import('../../../handlers/replay.ts');
    await expect(handler({ athena: { table: 'nodot' } }, lambdaContext('guardrail-replay'))).rejects.toThrow(
      'replay request: athena.table: expected DATABASE.TABLE',
    );
  });
});
