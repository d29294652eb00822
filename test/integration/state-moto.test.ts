/**
 * Issue 12 on moto: the five seed systems set up through their own API calls, `baseline snapshot` of that
 * account (validated), the seeds' own events silent against it and their drifted events judged as with the
 * example baseline (merged in), then the scan finding what changed out of band, and nothing on the account as
 * snapshotted. moto serves no GetInstanceMetadataDefaults: the test answers it on the EC2 client (the account
 * default is unset); the CLI run below, which builds its own clients, names it as not read.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ModifyInstanceMetadataOptionsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Baseline } from '../../src/baseline/baseline.ts';
import { parseBaseline } from '../../src/baseline/load.ts';
import { run } from '../../src/cli/main.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { checkRecord } from '../../src/events/record.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { readAccountState } from '../../src/state/read.ts';
import { scanState } from '../../src/state/scan.ts';
import { snapshotBaseline } from '../../src/state/snapshot.ts';
import type { AccountState } from '../../src/state/state.ts';
import type { SeedCase } from '../cases/seeds.ts';
import { SEED_CASES, SEED_INSTANCES } from '../cases/seeds.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH, exampleBaseline } from '../helpers/baseline.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { ensureManagedPolicyData } from '../helpers/policyManaged.ts';
import type { Json } from '../helpers/records.ts';
import { ACCOUNT } from '../helpers/records.ts';

const REGION = MOTO_ENV.AWS_REGION;
let moto: Moto;
let account: LocalAccount;
let instances: Record<keyof typeof SEED_INSTANCES, string>;
const dir = mkdtempSync(join(tmpdir(), 'guardrail-state-'));

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** moto has no GetInstanceMetadataDefaults: this client answers it (no account default set), once per client. */
const answered = new WeakSet<EC2Client>();
function ec2(region: string): EC2Client {
  const client = account.ec2(region);
  if (!answered.has(client)) {
    answered.add(client);
    client.middlewareStack.add(
      (next, context) => async (args) =>
        context.commandName === 'GetInstanceMetadataDefaultsCommand'
          ? { output: { $metadata: {}, AccountLevel: {} }, response: {} }
          : next(args),
      { step: 'initialize', name: 'motoMetadataDefaults' },
    );
  }
  return client;
}

function read(now?: Date): Promise<AccountState> {
  return readAccountState(
    { iam: account.iam, ec2 },
    { regions: [REGION], reportPoll: { delayMs: 200, attempts: 20 }, ...(now ? { now } : {}) },
  );
}

const keyed = new Set<string>();

const ignoreExists = (error: unknown) => {
  if (!/^EntityAlreadyExists/.test((error as { name?: string }).name ?? '')) throw error;
};

/** A seed's call, made for real: what the CloudTrail record says was done. */
async function apply(record: Json): Promise<void> {
  const p = record.requestParameters as Record<string, unknown>;
  const iam = account.iam;
  const role = async (name: string) =>
    iam
      .send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: EC2_TRUST }))
      .catch(ignoreExists);
  const user = async (name: string) =>
    iam.send(new CreateUserCommand({ UserName: name })).catch(ignoreExists);
  switch (record.eventName) {
    case 'CreateRole':
      await iam
        .send(
          new CreateRoleCommand({
            RoleName: String(p.roleName),
            AssumeRolePolicyDocument: String(p.assumeRolePolicyDocument),
          }),
        )
        .catch(ignoreExists);
      return;
    case 'RunInstances':
      // The seed's instance is one of those beforeAll launched (onThisAccount maps its id).
      return;
    case 'PutRolePolicy':
      await role(String(p.roleName));
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: String(p.roleName),
          PolicyName: String(p.policyName),
          PolicyDocument: String(p.policyDocument),
        }),
      );
      return;
    case 'AttachRolePolicy':
      await role(String(p.roleName));
      await iam.send(
        new AttachRolePolicyCommand({ RoleName: String(p.roleName), PolicyArn: String(p.policyArn) }),
      );
      return;
    case 'CreatePolicy':
      await iam
        .send(
          new CreatePolicyCommand({
            PolicyName: String(p.policyName),
            PolicyDocument: String(p.policyDocument),
          }),
        )
        .catch(ignoreExists);
      return;
    case 'CreateUser':
      await user(String(p.userName));
      return;
    case 'CreateAccessKey': {
      // No userName: the caller's own key. Several seed events make one user's key: it holds one.
      const name = p.userName ?? (record.userIdentity as { userName?: string } | undefined)?.userName;
      if (typeof name !== 'string') throw new Error('CreateAccessKey for nobody');
      if (keyed.has(name)) return;
      keyed.add(name);
      await user(name);
      await iam.send(new CreateAccessKeyCommand({ UserName: name }));
      return;
    }
    case 'PutUserPolicy':
      await user(String(p.userName));
      await iam.send(
        new PutUserPolicyCommand({
          UserName: String(p.userName),
          PolicyName: String(p.policyName),
          PolicyDocument: String(p.policyDocument),
        }),
      );
      return;
    case 'AttachUserPolicy':
      await user(String(p.userName));
      await iam.send(
        new AttachUserPolicyCommand({ UserName: String(p.userName), PolicyArn: String(p.policyArn) }),
      );
      return;
    case 'ModifyInstanceMetadataOptions': {
      const request = p.ModifyInstanceMetadataOptionsRequest as Record<string, unknown>;
      await ec2(REGION).send(
        new ModifyInstanceMetadataOptionsCommand({
          InstanceId: String(request.InstanceId),
          ...(request.HttpTokens ? { HttpTokens: request.HttpTokens as 'required' } : {}),
          ...(request.HttpPutResponseHopLimit
            ? { HttpPutResponseHopLimit: Number(request.HttpPutResponseHopLimit) }
            : {}),
        }),
      );
      return;
    }
    default:
      throw new Error(`no API call for ${String(record.eventName)}`);
  }
}

/** The fixture's instance ids mapped onto the instances moto launched. */
function onThisAccount(record: Json): Json {
  return JSON.parse(
    JSON.stringify(record)
      .replaceAll(SEED_INSTANCES.imageGenerator, instances.imageGenerator)
      .replaceAll(SEED_INSTANCES.kdcube, instances.kdcube)
      .replaceAll(SEED_INSTANCES.xplore, instances.xplore),
  ) as Json;
}

function madeByOther(record: Json): boolean {
  const p = record.requestParameters as { userName?: string } | null;
  const actor = (record.userIdentity as { userName?: string } | undefined)?.userName;
  return p?.userName !== undefined && p.userName !== actor;
}

/** Ephemeral per-run users come and go; the seeds' lasting set-up is everything else. */
const lasting = (c: SeedCase) =>
  c.expect.length === 0 && !JSON.stringify(c.record.requestParameters).includes('temporaryaccess');

async function launch(
  tokens: 'required' | 'optional',
  hopLimit: number,
  tags: Record<string, string> = {},
): Promise<string> {
  const reply = await ec2(REGION).send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.medium',
      MetadataOptions: { HttpTokens: tokens, HttpPutResponseHopLimit: hopLimit, HttpEndpoint: 'enabled' },
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

function ruleIds(record: Json, baseline: Baseline, trail: readonly Json[] = []): string[] {
  const knowledge = offlineKnowledge();
  for (const json of [...trail, record]) {
    const checked = checkRecord(json);
    if (checked.ok) knowledge.learn(checked.record);
  }
  const checked = checkRecord(record);
  if (!checked.ok) throw new Error(checked.reason);
  const result = evaluate(checked.record, baseline, { knowledge: knowledge.knowledge() });
  // Above info, as the seed cases say what they expect: an approved user's own key is info in every report.
  return result.kind === 'evaluated'
    ? result.findings
        .filter((f) => f.severity !== 'info')
        .map((f) => f.ruleId)
        .sort()
    : [];
}

/** Whether this build's IMDS rules read `imds.profiles` (they land with the IMDS branch). */
function profilesLanded(baseline: Baseline, instanceId: string): boolean {
  const record = SEED_CASES.find(
    (c) => c.seed === '002' && c.record.eventName === 'ModifyInstanceMetadataOptions',
  );
  return record !== undefined && baseline.imds.profiles.some((p) => p.instanceIds.includes(instanceId))
    ? ruleIds(onThisAccount(record.record), baseline).length === 0
    : false;
}

let snapshot: { text: string; baseline: Baseline };
let seeded: AccountState;

beforeAll(async () => {
  await ensureManagedPolicyData();
  moto = await startMoto();
  account = await localAccount(moto);
  // The image generator runs IMDSv2 with hop limit 1; KDCube's containers need hop limit 2.
  // KDCube's hosts carry the tag the example baseline's IMDS profile matches.
  instances = {
    imageGenerator: await launch('required', 1),
    kdcube: await launch('required', 2, { 'guardrail:imds-profile': 'containers' }),
    xplore: await launch('required', 1),
  };
  // Who exists first (roles with their own trust policies), then what they hold.
  const creates = new Set(['CreateRole', 'CreateUser', 'CreatePolicy']);
  const seeds = SEED_CASES.filter(lasting);
  for (const first of [true, false]) {
    for (const c of seeds) {
      if (creates.has(String(c.record.eventName)) !== first) continue;
      for (const earlier of c.trail ?? []) await apply(earlier);
      await apply(onThisAccount(c.record));
    }
  }
  seeded = await read();
  const { text } = snapshotBaseline(seeded, { schema: './baseline.schema.json' });
  snapshot = { text, baseline: parseBaseline(text, 'snapshot.yml') };
}, 120_000);
afterAll(async () => {
  await moto?.stop();
});

describe('baseline snapshot of the seed systems on moto', () => {
  it('reads every seed principal and writes what they hold', () => {
    expect(seeded.problems).toEqual([]);
    expect(seeded.account).toBe(ACCOUNT);
    const roles = [...snapshot.baseline.roles.keys()];
    for (const name of [
      'ImageGeneratorEC2Role',
      'XploreEC2Role',
      'kdcube-ec2-role',
      'aimodelshare-lambda-exec',
    ])
      expect(roles).toContain(name);
    expect(snapshot.baseline.approvedUsers.map((u) => u.matcher.describe)).toEqual(
      expect.arrayContaining(['name chatbot-dev-alice', 'name cml-cloud-manager-service']),
    );
    expect([...snapshot.baseline.policies.keys()]).toEqual(
      expect.arrayContaining([
        'CMLWorkerManagementPolicy',
        'ImageGeneratorS3Access',
        'kdcube-dev-bucket-access',
      ]),
    );
    expect(snapshot.baseline.imds.profiles.map((p) => p.instanceIds)).toEqual([[instances.kdcube]]);
  });

  it('passes its own scan: nothing to report on the account as it was snapshotted', () => {
    const result = scanState(seeded, snapshot.baseline, { scanId: 's' });
    const imds = profilesLanded(snapshot.baseline, instances.kdcube);
    expect(
      result.findings
        .filter((f) => f.severity !== 'info' && (imds || !f.ruleId.startsWith('ec2.imds.')))
        .map((f) => `${f.ruleId} ${f.resource}`),
    ).toEqual([]);
  });

  it("keeps every seed's own events silent", () => {
    const imds = profilesLanded(snapshot.baseline, instances.kdcube);
    // A seed writing one inline policy several ways (seed 001's three spellings) leaves the last in the account.
    const target = (c: SeedCase) => {
      const p = c.record.requestParameters as Record<string, unknown>;
      return `${String(c.record.eventName)} ${String(p.roleName ?? p.userName ?? '')} ${String(p.policyName ?? p.policyArn ?? '')}`;
    };
    const cases = SEED_CASES.filter(lasting);
    const inForce = cases.filter((c, i) => !cases.slice(i + 1).some((later) => target(later) === target(c)));
    expect(inForce.length).toBeGreaterThan(10);
    for (const c of inForce) {
      if (!imds && c.record.eventName === 'ModifyInstanceMetadataOptions') continue;
      // Who besides the user may make its keys (keyManagers) is written by hand: the account does not say.
      if (c.record.eventName === 'CreateAccessKey' && madeByOther(c.record)) continue;
      expect(
        ruleIds(onThisAccount(c.record), snapshot.baseline, c.trail),
        `seed ${c.seed}: ${c.name}`,
      ).toEqual([]);
    }
  });

  it('merged into the example baseline, judges the drifted events as the example does', () => {
    const exampleText = readFileSync(EXAMPLE_BASELINE_PATH, 'utf8');
    const merged = snapshotBaseline(seeded, {
      merge: { text: exampleText, baseline: parseBaseline(exampleText, 'baseline.example.yml') },
    });
    const baseline = parseBaseline(merged.text, 'merged.yml');
    for (const c of SEED_CASES.filter((s) => s.expect.length > 0)) {
      const record = onThisAccount(c.record);
      expect(ruleIds(record, baseline, c.trail), `seed ${c.seed}: ${c.name}`).toEqual(
        ruleIds(record, exampleBaseline(), c.trail),
      );
    }
  });
});

describe('guardrail scan on moto', () => {
  it('finds what changed out of band: an IMDSv1 instance, a grown inline policy, an unapproved user, an old key', async () => {
    const legacy = await launch('optional', 1);
    await account.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'XploreEC2Role',
        PolicyName: 'XploreS3Access',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
        }),
      }),
    );
    await account.iam.send(new CreateUserCommand({ UserName: 'backdoor-user' }));
    // Read as of 200 days from now: every key made today is past the 90-day rotation.
    const later = await read(new Date(Date.now() + 200 * 86_400_000));
    const found = scanState(later, snapshot.baseline, { scanId: 's' })
      .findings.filter((f) => f.severity !== 'info')
      .map((f) => `${f.ruleId} ${f.resource.split(':').pop()}`);
    expect(found).toEqual(
      expect.arrayContaining([
        `ec2.imds.v1-allowed instance/${legacy}`,
        'iam.policy.drift role/XploreEC2Role',
        'iam.policy.wildcard role/XploreEC2Role',
        'iam.user.unexpected user/backdoor-user',
        'iam.accesskey.stale user/cml-cloud-manager-service',
      ]),
    );
    for (const finding of found)
      expect(finding).toMatch(
        /instance\/|role\/XploreEC2Role$|user\/backdoor-user$|^iam\.accesskey\.stale |^ec2\.imds\.hop-limit /,
      );
  });

  it('from the command line: snapshot > b.yml, then scan --baseline b.yml reports nothing on the same account', async () => {
    const file = join(dir, 'b.yml');
    const env = { ...account.env, AWS_REGION: REGION };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    try {
      // A fresh account state for this test: the out-of-band changes above are part of it, and in the snapshot.
      const io = () => {
        let out = '';
        let err = '';
        return {
          stdout: (t: string) => {
            out += t;
          },
          stderr: (t: string) => {
            err += t;
          },
          env,
          out: () => out,
          err: () => err,
        };
      };
      const snap = io();
      // Exit 3: moto cannot say the account's IMDS default; everything else was read and written.
      expect(await run(['baseline', 'snapshot', '--region', REGION, '-o', file], snap), snap.err()).toBe(3);
      expect(snap.err()).toMatch(/guardrail: snapshot of 123456789012: \d+ roles/);
      expect(readFileSync(file, 'utf8')).toMatch(
        /^# yaml-language-server: \$schema=\.\/baseline\.schema\.json\n/,
      );
      const scan = io();
      expect(await run(['scan', '--baseline', file, '--region', REGION, '-q'], scan), scan.err()).toBe(3);
      const result = JSON.parse(scan.out()) as {
        findings: { ruleId: string; severity: string }[];
        problems: { what: string }[];
      };
      const imds = profilesLanded(parseBaseline(readFileSync(file, 'utf8'), 'b.yml'), instances.kdcube);
      const result2 = result.findings.filter(
        (f) => f.severity !== 'info' && (imds || !f.ruleId.startsWith('ec2.imds.')),
      );
      expect(result2).toEqual([]);
      expect(result.problems.map((p) => p.what)).toEqual([
        `EC2 instance metadata defaults in ${REGION} (GetInstanceMetadataDefaults)`,
      ]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
