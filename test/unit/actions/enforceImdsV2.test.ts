import type { InstanceMetadataOptionsResponse } from '@aws-sdk/client-ec2';
import {
  DescribeInstancesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { enforceImdsV2Action } from '../../../src/actions/enforceImdsV2.ts';
import { ActionRetryableError, createRemediator } from '../../../src/actions/index.ts';
import type { Finding } from '../../../src/core/types.ts';
import { sdkError, serverError } from '../../helpers/awsErrors.ts';
import { baselineFrom } from '../../helpers/baseline.ts';
import { runInstances } from '../../helpers/ec2Records.ts';
import { inMode, OWN_ACCOUNT, onlyFinding } from '../../helpers/findings.ts';
import { modifyImds } from '../../helpers/records.ts';

const ec2Mock = mockClient(EC2Client);
const ID = 'i-1234567890abcdef0';
const KDCUBE = 'i-0a1b2c3d4e5f60718';
const CONTAINERS = { 'guardrail:imds-profile': 'containers' };

/** The example baseline's IMDS section (hop limit 1, 2 for hosts tagged for containers) and an exception by id. */
const BASELINE = baselineFrom(`version: 1
imds:
  maxHopLimit: 1
  hopLimit: 1
  profiles:
    - name: legacy
      match: { instanceIds: [i-0ffffffffffffffff] }
      httpTokens: optional
      maxHopLimit: 1
    - name: kdcube-containers
      match: { tags: { "guardrail:imds-profile": containers } }
      maxHopLimit: 2
`);

// Seed 000's instance flipped back to IMDSv1 (eu-west-1): no profile, at most one hop.
const v1 = onlyFinding(
  runInstances([
    { id: ID, metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1 }, tags: {} },
  ]),
  BASELINE,
);
const enforcing = inMode(v1, 'enforce');

function instance(options: InstanceMetadataOptionsResponse, state = 'running', id = ID) {
  ec2Mock.on(DescribeInstancesCommand, { InstanceIds: [id] }).resolves({
    Reservations: [
      { Instances: [{ InstanceId: id, State: { Name: state as 'running' }, MetadataOptions: options }] },
    ],
  });
}

function remediator(dryRunProbe = false) {
  const clients = new Map<string, EC2Client>();
  const ec2For = vi.fn((region: string) => {
    const client = clients.get(region) ?? new EC2Client({ region });
    clients.set(region, client);
    return client;
  });
  return {
    remediate: (f: Finding) =>
      createRemediator({ 'enforce-imdsv2': enforceImdsV2Action(ec2For, { dryRunProbe }) })(f, OWN_ACCOUNT),
    ec2For,
  };
}

const modifyInputs = () =>
  ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand).map((c) => c.args[0].input);

describe('enforce-imdsv2', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(ModifyInstanceMetadataOptionsCommand).resolves({});
  });

  it('reads the instance, then requires tokens keeping its hop limit, in the event region', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' });
    const { remediate, ec2For } = remediator();
    const result = await remediate(enforcing);
    expect(ec2For).toHaveBeenCalledWith('eu-west-1');
    expect(modifyInputs()).toEqual([
      { InstanceId: ID, HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    ]);
    expect(result.remediation).toMatchObject({
      status: 'applied',
      note: `set ${ID}: HttpTokens optional → required, hop limit 1 (unchanged, within the maximum of 1)`,
    });
    // Describe strictly before Modify.
    expect(ec2Mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeInstancesCommand',
      'ModifyInstanceMetadataOptionsCommand',
    ]);
  });

  it("keeps a KDCube host's hop limit 2: its profile allows it", async () => {
    const kdcube = onlyFinding(
      runInstances([
        {
          id: KDCUBE,
          metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 2 },
          tags: CONTAINERS,
        },
      ]),
      BASELINE,
    );
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 }, 'running', KDCUBE);
    const result = await remediator().remediate(inMode(kdcube, 'enforce'));
    expect(modifyInputs()).toEqual([
      { InstanceId: KDCUBE, HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
    ]);
    expect(result.remediation?.note).toBe(
      `set ${KDCUBE}: HttpTokens optional → required, hop limit 2 (unchanged, within the maximum of 2)`,
    );
  });

  it('never raises a hop limit: an instance at 1 whose profile allows 2 stays at 1', async () => {
    const kdcube = onlyFinding(
      runInstances([
        {
          id: KDCUBE,
          metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1 },
          tags: CONTAINERS,
        },
      ]),
      BASELINE,
    );
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 }, 'running', KDCUBE);
    await remediator().remediate(inMode(kdcube, 'enforce'));
    expect(modifyInputs()[0]?.HttpPutResponseHopLimit).toBe(1);
  });

  it('lowers a hop limit above the maximum even when tokens are already required', async () => {
    instance({ HttpTokens: 'required', HttpPutResponseHopLimit: 5, HttpEndpoint: 'enabled' });
    const result = await remediator().remediate(enforcing);
    expect(modifyInputs()[0]?.HttpPutResponseHopLimit).toBe(1);
    expect(result.remediation?.note).toContain(
      'HttpTokens required (unchanged), hop limit 5 → 1 (the maximum)',
    );
  });

  it.each([
    [
      'tokens required, hop limit at the maximum',
      { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      `${ID} already requires IMDSv2 with hop limit 1, within the maximum of 1 (it changed since the event, which recorded HttpTokens optional, hop limit 1)`,
    ],
    [
      'metadata endpoint off',
      { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
      `${ID} has its metadata endpoint disabled`,
    ],
  ] as const)('leaves a compliant instance alone, saying what it found: %s', async (_name, options, note) => {
    instance(options as InstanceMetadataOptionsResponse);
    const result = await remediator().remediate(enforcing);
    expect(result.remediation).toMatchObject({ status: 'already-compliant', note });
    expect(ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)).toHaveLength(0);
  });

  it('says so when the instance has changed since the event', async () => {
    const required = onlyFinding(
      runInstances([
        { id: ID, metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 3 }, tags: {} },
      ]),
      BASELINE,
    );
    instance({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    const result = await remediator().remediate(inMode(required, 'enforce'));
    // The event recorded hop limit 3; the instance has 1 now.
    expect(result.remediation?.note).toBe(
      `${ID} already requires IMDSv2 with hop limit 1, within the maximum of 1 (it changed since the event, which recorded HttpTokens required, hop limit 3)`,
    );
  });

  it("keeps HttpTokens when the instance's profile documents an IMDSv1 exception, lowering only the hop limit", async () => {
    const legacy = 'i-0ffffffffffffffff';
    const hop = onlyFinding(
      modifyImds(legacy, { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
      BASELINE,
    );
    expect(hop.ruleId).toBe('ec2.imds.hop-limit');
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }, 'running', legacy);
    const result = await remediator().remediate(inMode(hop, 'enforce'));
    expect(modifyInputs()).toEqual([
      { InstanceId: legacy, HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
    ]);
    expect(result.remediation?.note).toBe(
      `set ${legacy}: HttpTokens optional (unchanged: its IMDS profile allows IMDSv1), hop limit 3 → 1 (the maximum)`,
    );
  });

  it.each([
    ['terminated', 'is terminated'],
    ['shutting-down', 'is shutting-down'],
  ])('does nothing to a %s instance', async (state, note) => {
    instance({ HttpTokens: 'optional' }, state);
    const result = await remediator().remediate(enforcing);
    expect(result.remediation).toMatchObject({ status: 'already-compliant' });
    expect(result.remediation?.note).toContain(note);
  });

  it('treats an instance that no longer exists as nothing to do', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(sdkError('InvalidInstanceID.NotFound', `The instance ID '${ID}' does not exist`));
    const result = await remediator().remediate(enforcing);
    expect(result.remediation).toMatchObject({ status: 'already-compliant', note: `${ID} no longer exists` });
  });

  describe('several instances of one RunInstances', () => {
    const other = 'i-0aaaaaaaaaaaaaaa2';
    const both = inMode(
      onlyFinding(
        runInstances([
          { id: ID, metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1 }, tags: {} },
          { id: other, metadataOptions: { httpTokens: 'optional', httpPutResponseHopLimit: 1 }, tags: {} },
        ]),
        BASELINE,
      ),
      'enforce',
    );

    it('acts on each, one outcome with every note', async () => {
      instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
      ec2Mock
        .on(DescribeInstancesCommand, { InstanceIds: [other] })
        .rejects(sdkError('InvalidInstanceID.NotFound', 'gone'));
      const result = await remediator().remediate(both);
      expect(result.remediation).toMatchObject({
        status: 'applied',
        note: `set ${ID}: HttpTokens optional → required, hop limit 1 (unchanged, within the maximum of 1); ${other} no longer exists`,
      });
    });

    it('fails the finding when one instance fails, keeping what was done on the others', async () => {
      instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
      instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 }, 'running', other);
      ec2Mock
        .on(ModifyInstanceMetadataOptionsCommand, { InstanceId: other })
        .rejects(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
      const result = await remediator().remediate(both);
      expect(result.remediation).toMatchObject({
        status: 'failed',
        error: `${other}: UnauthorizedOperation: You are not authorized to perform this operation.`,
        note: `set ${ID}: HttpTokens optional → required, hop limit 1 (unchanged, within the maximum of 1)`,
      });
    });
  });

  it('in dry-run without the probe, only reads', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    const result = await remediator(false).remediate(v1);
    expect(result.remediation).toMatchObject({ status: 'dry-run', mode: 'dry-run' });
    expect(result.remediation?.note).toBe(
      `would set ${ID}: HttpTokens optional → required, hop limit 1 (unchanged, within the maximum of 1)`,
    );
    expect(ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)).toHaveLength(0);
  });

  it('in dry-run with the probe, proves the permission with EC2 DryRun', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    ec2Mock
      .on(ModifyInstanceMetadataOptionsCommand, { DryRun: true })
      .rejects(sdkError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412));
    const result = await remediator(true).remediate(v1);
    expect(ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)[0]?.args[0].input.DryRun).toBe(true);
    expect(result.remediation).toMatchObject({ status: 'dry-run' });
    expect(result.remediation?.note).toContain('EC2 DryRun confirms the permission');
    expect(result.remediation?.error).toBeUndefined();
  });

  it('in dry-run with the probe, reports a missing permission without failing', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    ec2Mock
      .on(ModifyInstanceMetadataOptionsCommand)
      .rejects(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    const result = await remediator(true).remediate(v1);
    expect(result.remediation?.status).toBe('dry-run');
    expect(result.remediation?.error).toBe(
      'the real call would be denied: UnauthorizedOperation: You are not authorized to perform this operation.',
    );
  });

  it('records a denied ModifyInstanceMetadataOptions as failed', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    ec2Mock
      .on(ModifyInstanceMetadataOptionsCommand)
      .rejects(sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    const result = await remediator().remediate(enforcing);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error: 'UnauthorizedOperation: You are not authorized to perform this operation.',
    });
  });

  it('throws ActionRetryableError on a 5xx that outlived the SDK retries', async () => {
    ec2Mock.on(DescribeInstancesCommand).rejects(serverError());
    await expect(remediator().remediate(enforcing)).rejects.toBeInstanceOf(ActionRetryableError);
  });
});
