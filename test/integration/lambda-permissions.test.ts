/**
 * The built iam-events function on moto for every path to a permission: the policy documents, holders and
 * versions it needs are read back from IAM itself (GetPolicy, GetPolicyVersion, ListEntitiesForPolicy), as in
 * a real account. moto loads the AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES) so AdministratorAccess
 * reads as it does in AWS.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  GetPolicyVersionCommand,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import type { Moto } from '../helpers/moto.ts';
import { startMoto } from '../helpers/moto.ts';
import type { Json } from '../helpers/records.ts';
import {
  ACCOUNT,
  attachPolicy,
  createPolicy,
  createPolicyVersion,
  eventBridge,
  policyArn,
  setDefaultPolicyVersion,
} from '../helpers/records.ts';

let moto: Moto;
let account: LocalAccount;

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const ec2Trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const imageGeneratorPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:ListBucket'],
      Resource: ['arn:aws:s3:::short-drama-assets', 'arn:aws:s3:::short-drama-assets/*'],
    },
  ],
};
const s3Everything = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
};

beforeAll(async () => {
  // moto.server inherits this process's environment.
  process.env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  moto = await startMoto();
  account = await localAccount(moto);
  for (const role of ['XploreEC2Role', 'ImageGeneratorEC2Role']) {
    await account.iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: ec2Trust }));
  }
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

const env = { GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH };

interface Outcome {
  readonly ruleId: string;
  readonly severity: string;
  readonly resource: string;
  readonly messageId?: string;
}

async function judge(events: readonly Json[]): Promise<readonly Outcome[][]> {
  const run = await invokeBuilt('iam-events', events.map(eventBridge), { ...account.env, ...env });
  expect(run.initError).toBeUndefined();
  return run.results.map((result) => {
    if (!result.ok) throw new Error(`${result.error.name}: ${result.error.message}`);
    const value = result.value as { status: string; findings?: Outcome[]; reason?: string };
    if (value.status !== 'processed') throw new Error(`skipped: ${value.reason}`);
    return value.findings ?? [];
  });
}

const ruleIds = (outcomes: readonly Outcome[]) => outcomes.map((o) => `${o.ruleId}:${o.severity}`).sort();
/** One message per notification the function made (one per event once findings share a message). */
const messages = (outcomes: readonly Outcome[]) =>
  new Set(outcomes.flatMap((o) => (o.messageId ? [o.messageId] : []))).size;

describe('built iam-events on moto: every path to a permission', () => {
  it('AdministratorAccess attached to a seed role: judged on the document IAM returns, notified, once per event', async () => {
    await account.iam.send(new AttachRolePolicyCommand({ RoleName: 'XploreEC2Role', PolicyArn: ADMIN }));
    const event = attachPolicy('Role', 'XploreEC2Role', ADMIN);
    const [first, again] = await judge([event, event]);
    expect(ruleIds(first ?? [])).toEqual([
      'iam.policy.drift:high',
      // The example baseline never grants anyone iam:PassRole on *, seed bucket deletion, key deletion...
      'iam.policy.never-grant:critical',
      'iam.policy.privesc:critical',
      'iam.policy.wildcard:critical',
    ]);
    expect(first?.every((o) => o.resource === `arn:aws:iam::${ACCOUNT}:role/XploreEC2Role`)).toBe(true);
    // The redelivery returns the stored summary: nothing is published twice.
    expect(again).toEqual(first);
    const published = await account.drain();
    expect(published).toHaveLength(messages(first ?? []));
    expect(published.map((p) => p.attributes.ruleId?.Value ?? '').join()).toMatch(/iam\.policy\./);
  });

  it("seed 000's own create-policy and attach-role-policy stay silent", async () => {
    const created = await account.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'ImageGeneratorS3Access',
        PolicyDocument: JSON.stringify(imageGeneratorPolicy),
      }),
    );
    expect(created.Policy?.Arn).toBe(policyArn('ImageGeneratorS3Access'));
    await account.iam.send(
      new AttachRolePolicyCommand({
        RoleName: 'ImageGeneratorEC2Role',
        PolicyArn: policyArn('ImageGeneratorS3Access'),
      }),
    );
    const results = await judge([
      createPolicy('ImageGeneratorS3Access', imageGeneratorPolicy),
      attachPolicy('Role', 'ImageGeneratorEC2Role', policyArn('ImageGeneratorS3Access')),
    ]);
    expect(results).toEqual([[], []]);
    expect(await account.drain()).toEqual([]);
  });

  it('ImageGeneratorS3Access rewritten to s3:* by a new default version: drift for the policy and the role it is attached to', async () => {
    await account.iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: policyArn('ImageGeneratorS3Access'),
        PolicyDocument: JSON.stringify(s3Everything),
        SetAsDefault: true,
      }),
    );
    const [findings] = await judge([
      createPolicyVersion(policyArn('ImageGeneratorS3Access'), s3Everything, 'v2', true),
    ]);
    expect(ruleIds(findings ?? [])).toEqual([
      'iam.policy.drift:high',
      // s3:* on * may delete the seed's bucket, which the example baseline never grants anyone.
      'iam.policy.never-grant:critical',
      'iam.policy.wildcard:high',
    ]);
    expect(findings?.[0]?.resource).toBe(policyArn('ImageGeneratorS3Access'));
    const published = await account.drain();
    expect(published).toHaveLength(messages(findings ?? []));
    // ListEntitiesForPolicy named the role it is attached to: judged against the role's envelope too.
    const text = published.map((p) => JSON.stringify(p.chat)).join('\n');
    expect(text).toContain(
      'outside the baseline of policy ImageGeneratorS3Access, role ImageGeneratorEC2Role',
    );
  });

  it('a version created earlier and made the default later is read back through GetPolicyVersion', async () => {
    const escalating = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'iam:AttachRolePolicy'], Resource: '*' }],
    };
    const team = await account.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'TeamPolicy',
        PolicyDocument: JSON.stringify(imageGeneratorPolicy),
      }),
    );
    const arn = team.Policy?.Arn ?? '';
    await account.iam.send(
      new AttachRolePolicyCommand({ RoleName: 'ImageGeneratorEC2Role', PolicyArn: arn }),
    );
    const version = await account.iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: arn,
        PolicyDocument: JSON.stringify(escalating),
        SetAsDefault: false,
      }),
    );
    const versionId = version.PolicyVersion?.VersionId ?? '';
    expect(versionId).toBe('v2');
    await account.iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
    // What the function will read: the version as IAM stored it.
    const stored = await account.iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }),
    );
    expect(decodeURIComponent(stored.PolicyVersion?.Document ?? '')).toContain('iam:PassRole');

    const [notDefault, madeDefault] = await judge([
      // Not in force when created: nobody holds it yet, and the baseline does not declare the policy.
      createPolicyVersion(arn, escalating, versionId, false),
      setDefaultPolicyVersion(arn, versionId),
    ]);
    expect(notDefault).toEqual([]);
    expect(ruleIds(madeDefault ?? [])).toEqual([
      'iam.policy.drift:high',
      'iam.policy.never-grant:critical',
      'iam.policy.privesc:high',
      'iam.policy.wildcard:high',
    ]);
    expect(await account.drain()).toHaveLength(messages(madeDefault ?? []));
  });

  it('a never-grant statement on a customer-managed policy attached to a role the baseline does not know', async () => {
    await account.iam.send(
      new CreateRoleCommand({ RoleName: 'build-runner', AssumeRolePolicyDocument: ec2Trust }),
    );
    const passAnyRole = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 'iam:GetRole'], Resource: '*' }],
    };
    const created = await account.iam.send(
      new CreatePolicyCommand({ PolicyName: 'BuildRunnerPass', PolicyDocument: JSON.stringify(passAnyRole) }),
    );
    const arn = created.Policy?.Arn ?? '';
    await account.iam.send(new AttachRolePolicyCommand({ RoleName: 'build-runner', PolicyArn: arn }));
    // Only the attachment is in the input: the document is read back from IAM (GetPolicy, GetPolicyVersion).
    const [findings] = await judge([attachPolicy('Role', 'build-runner', arn)]);
    expect(ruleIds(findings ?? [])).toContain('iam.policy.never-grant:critical');
    expect(ruleIds(findings ?? [])).toContain('iam.policy.no-baseline:medium');
    const neverGrant = findings?.find((o) => o.ruleId === 'iam.policy.never-grant');
    expect(neverGrant?.resource).toBe(`arn:aws:iam::${ACCOUNT}:role/build-runner`);
    const published = await account.drain();
    expect(published).toHaveLength(1);
    const text = JSON.stringify(published[0]?.chat);
    expect(text).toContain('never grants anyone');
    expect(text).toContain('iam:PassRole');
  });
});
