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
import { inMode, OWN_ACCOUNT, onlyFinding } from '../../helpers/findings.ts';
import { modifyImds } from '../../helpers/records.ts';

const ec2Mock = mockClient(EC2Client);
const ID = 'i-1234567890abcdef0';
// Seed 000's instance flipped back to IMDSv1 (eu-west-1); the example baseline's hop limit is 2.
const v1 = onlyFinding(
  modifyImds(
    ID,
    { HttpTokens: 'optional' },
    { httpTokens: 'optional', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
  ),
);
const enforcing = inMode(v1, 'enforce');

function instance(options: InstanceMetadataOptionsResponse, state = 'running') {
  ec2Mock.on(DescribeInstancesCommand, { InstanceIds: [ID] }).resolves({
    Reservations: [
      { Instances: [{ InstanceId: ID, State: { Name: state as 'running' }, MetadataOptions: options }] },
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

describe('enforce-imdsv2', () => {
  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(ModifyInstanceMetadataOptionsCommand).resolves({});
  });

  it('reads the instance, then requires tokens with the baseline hop limit, in the event region', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' });
    const { remediate, ec2For } = remediator();
    const result = await remediate(enforcing);
    expect(ec2For).toHaveBeenCalledWith('eu-west-1');
    expect(ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)[0]?.args[0].input).toEqual({
      InstanceId: ID,
      HttpTokens: 'required',
      HttpPutResponseHopLimit: 2,
      HttpEndpoint: 'enabled',
    });
    expect(result.remediation).toMatchObject({
      status: 'applied',
      note: `set ${ID}: HttpTokens optional → required, hop limit 1 → 2`,
    });
    // Describe strictly before Modify.
    expect(ec2Mock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeInstancesCommand',
      'ModifyInstanceMetadataOptionsCommand',
    ]);
  });

  it.each([
    [
      'tokens required, hop limit at the baseline',
      { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
      'already requires IMDSv2 (hop limit 2)',
    ],
    [
      'tokens required, hop limit below it',
      { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      'already requires IMDSv2 (hop limit 1)',
    ],
    [
      'metadata endpoint off',
      { HttpTokens: 'optional', HttpEndpoint: 'disabled' },
      'metadata endpoint disabled',
    ],
  ] as const)('leaves a compliant instance alone: %s', async (_name, options, note) => {
    instance(options as InstanceMetadataOptionsResponse);
    const result = await remediator().remediate(enforcing);
    expect(result.remediation?.status).toBe('already-compliant');
    expect(result.remediation?.note).toContain(note);
    expect(ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)).toHaveLength(0);
  });

  it('lowers a hop limit above the baseline even when tokens are already required', async () => {
    instance({ HttpTokens: 'required', HttpPutResponseHopLimit: 5, HttpEndpoint: 'enabled' });
    const result = await remediator().remediate(enforcing);
    expect(
      ec2Mock.commandCalls(ModifyInstanceMetadataOptionsCommand)[0]?.args[0].input.HttpPutResponseHopLimit,
    ).toBe(2);
    expect(result.remediation?.note).toContain('HttpTokens required (unchanged), hop limit 5 → 2');
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
    expect(result.remediation).toMatchObject({
      status: 'already-compliant',
      note: `instance ${ID} no longer exists`,
    });
  });

  it('in dry-run without the probe, only reads', async () => {
    instance({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    const result = await remediator(false).remediate(v1);
    expect(result.remediation).toMatchObject({ status: 'dry-run', mode: 'dry-run' });
    expect(result.remediation?.note).toBe(`would set ${ID}: HttpTokens optional → required, hop limit 1 → 2`);
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
