/**
 * The built CloudTrail handlers (dist/handlers/iam-events.js, ec2-events.js) against moto: IAM, EC2, SNS
 * with an SQS subscription, DynamoDB for idempotency. Each invocation batch is a fresh Node process.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateUserCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardrailTag } from '../../src/core/tags.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { IDEMPOTENCY_TABLE, localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH, exampleBaselineEnforcing } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import { runInstances } from '../helpers/ec2Records.ts';
import { EPHEMERAL_USER } from '../helpers/findings.ts';
import type { Moto } from '../helpers/moto.ts';
import { startMoto } from '../helpers/moto.ts';
import { createUser, eventBridge, identities, modifyImds } from '../helpers/records.ts';

let moto: Moto;
let account: LocalAccount;
const dir = mkdtempSync(join(tmpdir(), 'guardrail-lambda-'));
const ENFORCING = join(dir, 'enforcing.yml');

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
  // The example baseline with the IMDSv1 rule switched to enforce (the example ships it in dry-run).
  writeFileSync(ENFORCING, exampleBaselineEnforcing(['ec2.imds.v1-allowed']));
  expect(readFileSync(ENFORCING, 'utf8')).toMatch(/ec2\.imds\.v1-allowed:\n\s+mode: enforce/);
});
afterAll(async () => {
  await moto?.stop();
});

const env = (baseline = EXAMPLE_BASELINE_PATH): Record<string, string> => ({
  ...account.env,
  GUARDRAIL_BASELINE: baseline,
});

async function tagsOf(userName: string): Promise<Record<string, string>> {
  const reply = await account.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries((reply.Tags ?? []).map((t) => [t.Key, t.Value]));
}

async function imdsInstance(hopLimit = 1, tags: Record<string, string> = {}): Promise<string> {
  const reply = await account.ec2('eu-west-1').send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: hopLimit, HttpEndpoint: 'enabled' },
      ...(Object.keys(tags).length > 0
        ? {
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  return reply.Instances?.[0]?.InstanceId ?? '';
}

/** The CloudTrail record of that launch: the response reports each instance's metadata options and tags. */
const launchEvent = (instanceId: string, hopLimit: number, tags: Record<string, string> = {}) =>
  eventBridge(
    runInstances(
      [
        {
          id: instanceId,
          metadataOptions: {
            httpTokens: 'optional',
            httpPutResponseHopLimit: hopLimit,
            httpEndpoint: 'enabled',
          },
          tags,
        },
      ],
      { metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: hopLimit }, tags },
      { userIdentity: identities.developer },
    ),
  );

async function metadataOptions(instanceId: string) {
  const reply = await account
    .ec2('eu-west-1')
    .send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return reply.Reservations?.[0]?.Instances?.[0]?.MetadataOptions;
}

/** The CloudTrail record of someone switching an instance back to IMDSv1. */
const v1Event = (instanceId: string) =>
  eventBridge(
    modifyImds(
      instanceId,
      { HttpTokens: 'optional' },
      { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
      { userIdentity: identities.developer },
    ),
  );

describe('built iam-events on moto', () => {
  it('tags the per-run user of a CreateUser event and puts exactly one message on the queue', async () => {
    await account.iam.send(new CreateUserCommand({ UserName: EPHEMERAL_USER }));
    const event = eventBridge(
      createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }),
    );
    const run = await invokeBuilt('iam-events', [event], env());
    expect(run.initError).toBeUndefined();
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: { status: 'processed', findings: [{ remediation: { status: 'applied' } }] },
    });

    const tags = await tagsOf(EPHEMERAL_USER);
    expect(tags).toMatchObject({
      [GuardrailTag.ephemeral]: 'true',
      [GuardrailTag.creator]: 'arn:aws:iam::123456789012:user/aimodelshare-admin',
      [GuardrailTag.createdAt]: '2026-11-20T10:15:29.000Z',
      [GuardrailTag.expiresAt]: '2026-11-21T10:15:29.000Z',
    });

    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.chat).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    expect(published[0]?.attributes).toMatchObject({
      severity: { Type: 'String', Value: 'low' },
      ruleId: { Type: 'String.Array', Value: '["iam.user.ephemeral"]' },
    });
    expect(published[0]?.subject).toMatch(
      /^\[guardrail\] LOW temporaryaccessAImodelshare\w+: iam.user.ephemeral$/,
    );

    // What was published carries a plain email body beside the chat one (MessageStructure json).
    const [sent] = await account.topicMessages();
    expect(Object.keys(sent?.bodies ?? {}).sort()).toEqual(['default', 'email']);
    expect(sent?.bodies.email).toMatch(
      /^guardrail: LOW Ephemeral IAM user created: temporaryaccessAImodelshare\w+\n\nWhat happened\n/,
    );
    expect(sent?.bodies.email).toContain(
      '  What guardrail did: Applied tag-ephemeral: tagged user temporaryaccessAImodelshare',
    );

    // Structured JSON logs carrying the CloudTrail eventId.
    const lines = run.logs.filter((line) => line.service === 'guardrail');
    expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['finding', 'notified']));
    for (const line of lines) expect(line.eventId).toBe((event.detail as { eventID: string }).eventID);
  });

  it('gives one message for a duplicated event, warm or in a fresh container', async () => {
    const user = 'temporaryaccessAImodelshareffffffffffffffffffffffffffffffff';
    await account.iam.send(new CreateUserCommand({ UserName: user }));
    const event = eventBridge(createUser(user, { userIdentity: identities.aimodelshareAutomation }));
    const redelivery = { ...event, id: 'redelivered-envelope' };
    const warm = await invokeBuilt('iam-events', [event, redelivery], env());
    const cold = await invokeBuilt('iam-events', [redelivery], env());
    expect(warm.results.map((r) => r.ok)).toEqual([true, true]);
    // The duplicates return the stored summary of the first invocation.
    expect(warm.results[1]).toEqual(warm.results[0]);
    expect(cold.results[0]).toEqual(warm.results[0]);
    expect(await account.drain()).toHaveLength(1);

    const records = await account.dynamo.send(new ScanCommand({ TableName: IDEMPOTENCY_TABLE }));
    const statuses = (records.Items ?? []).map((item) => item.status?.S);
    expect(statuses.every((s) => s === 'COMPLETED')).toBe(true);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
  });
});

describe('built ec2-events on moto', () => {
  it('enforcing: an IMDSv1 instance ends HttpTokens required, its hop limit 1 kept (never raised)', async () => {
    const instanceId = await imdsInstance();
    const run = await invokeBuilt('ec2-events', [v1Event(instanceId)], env(ENFORCING));
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: {
        findings: [{ ruleId: 'ec2.imds.v1-allowed', remediation: { mode: 'enforce', status: 'applied' } }],
      },
    });
    expect(await metadataOptions(instanceId)).toMatchObject({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 1,
      HttpEndpoint: 'enabled',
    });
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.chat.content.description).toContain('Applied enforce-imdsv2');
  });

  it.each([
    [
      'tagged for the containers profile: hop limit 2 within its maximum, unchanged',
      { 'guardrail:imds-profile': 'containers' },
      2,
    ],
    ['untagged: hop limit 2 above the account maximum, lowered to 1 in the same finding', {}, 1],
  ] as const)('enforcing, a RunInstances with IMDSv1 ends required: %s', async (_name, tags, endHop) => {
    const instanceId = await imdsInstance(2, tags);
    const run = await invokeBuilt('ec2-events', [launchEvent(instanceId, 2, tags)], env(ENFORCING));
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: {
        findings: [{ ruleId: 'ec2.imds.v1-allowed', remediation: { mode: 'enforce', status: 'applied' } }],
      },
    });
    expect(await metadataOptions(instanceId)).toMatchObject({
      HttpTokens: 'required',
      HttpPutResponseHopLimit: endHop,
      HttpEndpoint: 'enabled',
    });
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.chat.content.description).toContain(
      endHop === 2 ? 'hop limit 2 (unchanged, within the maximum of 2)' : 'hop limit 2 → 1 (the maximum)',
    );
  });

  it("reads a KDCube host's tags: its own hop limit 2 change gives no finding, whatever the example baseline's account maximum", async () => {
    const instanceId = await imdsInstance(1, { 'guardrail:imds-profile': 'containers' });
    const change = eventBridge(
      modifyImds(
        instanceId,
        { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
        { httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
      ),
    );
    const run = await invokeBuilt('ec2-events', [change], env(ENFORCING));
    expect(run.results[0]).toMatchObject({ ok: true, value: { status: 'processed', findings: [] } });
    expect(await account.drain()).toHaveLength(0);
  });

  it('dry-run: the instance is left unchanged and the message says what would change', async () => {
    const instanceId = await imdsInstance();
    const run = await invokeBuilt('ec2-events', [v1Event(instanceId)], env());
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: { findings: [{ remediation: { mode: 'dry-run', status: 'dry-run' } }] },
    });
    expect(await metadataOptions(instanceId)).toMatchObject({
      HttpTokens: 'optional',
      HttpPutResponseHopLimit: 1,
    });
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.chat.content.description).toContain(
      'Dry run, nothing changed (enforce-imdsv2): would set',
    );
  });

  it("skips the guardrail's own enforce-imdsv2 call, so its fix cannot re-trigger it", async () => {
    const instanceId = await imdsInstance();
    const own = eventBridge(
      modifyImds(instanceId, { HttpTokens: 'required' }, undefined, { userIdentity: identities.guardrail }),
    );
    const run = await invokeBuilt('ec2-events', [own], env(ENFORCING));
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: {
        status: 'skipped',
        reason: "made by guardrail's own role guardrail-prod-remediator (enforce-imdsv2)",
      },
    });
    // Skipped, so nothing read or changed: the instance keeps what moto gave it.
    expect(await metadataOptions(instanceId)).toMatchObject({ HttpTokens: 'optional' });
    expect(await account.drain()).toHaveLength(0);
  });

  it("judges a call that allows IMDSv1 even from a role named like guardrail's own, and enforces", async () => {
    const instanceId = await imdsInstance();
    const lookalike = eventBridge(
      modifyImds(instanceId, { HttpTokens: 'optional' }, undefined, { userIdentity: identities.guardrail }),
    );
    const run = await invokeBuilt('ec2-events', [lookalike], env(ENFORCING));
    expect(run.results[0]).toMatchObject({ ok: true, value: { status: 'processed' } });
    expect(await metadataOptions(instanceId)).toMatchObject({ HttpTokens: 'required' });
    expect(await account.drain()).toHaveLength(1);
  });

  it('fails to start with one line naming a missing variable', async () => {
    const { GUARDRAIL_TOPIC_ARN: _omitted, ...rest } = env();
    const run = await invokeBuilt('ec2-events', [], rest);
    expect(run.initError).toEqual({
      name: 'ConfigError',
      message: 'GUARDRAIL_TOPIC_ARN: missing; set it to the ARN of the SNS topic notifications go to',
    });
  });
});
