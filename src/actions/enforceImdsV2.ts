/**
 * `enforce-imdsv2`: read the instance first; when it still allows IMDSv1 or a hop limit above the
 * baseline's, require session tokens with the baseline's hop limit. A compliant instance is left alone.
 */
import type {
  DescribeInstancesCommandOutput,
  EC2Client,
  InstanceMetadataOptionsResponse,
} from '@aws-sdk/client-ec2';
import { DescribeInstancesCommand, ModifyInstanceMetadataOptionsCommand } from '@aws-sdk/client-ec2';
import { AwsErrorKind, awsErrorName, classifyAwsError, describeAwsError } from '../aws/errors.ts';
import type { ImdsParams, RemediationMode } from '../core/types.ts';
import type { ActionOutcome } from './outcome.ts';

export const ENFORCE_IMDS_PERMISSIONS = [
  'ec2:DescribeInstances',
  'ec2:ModifyInstanceMetadataOptions',
] as const;

export interface ImdsActionOptions {
  /**
   * In dry-run, send the change with EC2's `DryRun` flag: `DryRunOperation` proves the permission,
   * `UnauthorizedOperation` shows it is missing. Off for endpoints that ignore the flag (moto 5 applies
   * the change), where the probe would not be a dry run at all.
   */
  readonly dryRunProbe: boolean;
}

function describeChange(options: InstanceMetadataOptionsResponse, hopLimit: number): string {
  const tokens = options.HttpTokens ?? 'optional';
  const hop = options.HttpPutResponseHopLimit ?? 1;
  const parts = [
    tokens === 'required' ? 'HttpTokens required (unchanged)' : `HttpTokens ${tokens} → required`,
    hop === hopLimit ? `hop limit ${hop} (unchanged)` : `hop limit ${hop} → ${hopLimit}`,
  ];
  return parts.join(', ');
}

export async function enforceImdsV2(
  ec2: EC2Client,
  params: ImdsParams,
  mode: RemediationMode,
  options: ImdsActionOptions,
): Promise<ActionOutcome> {
  const id = params.instanceId;
  let reply: DescribeInstancesCommandOutput;
  try {
    reply = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  } catch (error) {
    // A malformed id names no instance either: nothing to fix.
    if (
      classifyAwsError(error) === AwsErrorKind.notFound ||
      awsErrorName(error) === 'InvalidInstanceID.Malformed'
    )
      return { status: 'already-compliant', note: `instance ${id} no longer exists` };
    throw error;
  }
  const instance = reply.Reservations?.[0]?.Instances?.[0];
  if (!instance) return { status: 'already-compliant', note: `instance ${id} no longer exists` };
  const state = instance.State?.Name;
  if (state === 'terminated' || state === 'shutting-down') {
    return { status: 'already-compliant', note: `instance ${id} is ${state}` };
  }
  const current = instance.MetadataOptions ?? {};
  if (current.HttpEndpoint === 'disabled') {
    return { status: 'already-compliant', note: `instance ${id} has its metadata endpoint disabled` };
  }
  const hop = current.HttpPutResponseHopLimit ?? 1;
  if (current.HttpTokens === 'required' && hop <= params.hopLimit) {
    return { status: 'already-compliant', note: `instance ${id} already requires IMDSv2 (hop limit ${hop})` };
  }
  const change = `${id}: ${describeChange(current, params.hopLimit)}`;
  // HttpEndpoint is sent explicitly: it is enabled (checked above) and some endpoints reset absent fields.
  const input = {
    InstanceId: id,
    HttpTokens: 'required' as const,
    HttpPutResponseHopLimit: params.hopLimit,
    HttpEndpoint: 'enabled' as const,
  };
  if (mode !== 'enforce') {
    if (!options.dryRunProbe) return { status: 'dry-run', note: `would set ${change}` };
    try {
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ ...input, DryRun: true }));
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'DryRunOperation') {
        return { status: 'dry-run', note: `would set ${change} (EC2 DryRun confirms the permission)` };
      }
      if (name === 'UnauthorizedOperation') {
        return {
          status: 'dry-run',
          note: `would set ${change}`,
          error: `the real call would be denied: ${describeAwsError(error)}`,
        };
      }
      throw error;
    }
    return { status: 'dry-run', note: `would set ${change} (the DryRun call reported no error)` };
  }
  await ec2.send(new ModifyInstanceMetadataOptionsCommand(input));
  return { status: 'applied', note: `set ${change}` };
}

/** The action for createRemediator; EC2 is regional, so the instance's region picks the client. */
export function enforceImdsV2Action(
  ec2For: (region: string) => EC2Client,
  options: ImdsActionOptions,
): (params: ImdsParams, mode: RemediationMode) => Promise<ActionOutcome> {
  return (params, mode) => enforceImdsV2(ec2For(params.region), params, mode, options);
}
