/**
 * `enforce-imdsv2`: for each instance of the finding, read it first, then require session tokens and bring a
 * hop limit above the instance's maximum down to it (imdsChange.ts: a hop limit is never raised). A compliant
 * instance is left alone, and the note says so, with what the event had recorded when the instance has
 * changed since.
 */
import type { DescribeInstancesCommandOutput, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstancesCommand, ModifyInstanceMetadataOptionsCommand } from '@aws-sdk/client-ec2';
import { awsErrorName, describeAwsError, isTransientAwsError } from '../aws/errors.ts';
import type { ImdsParams, ImdsTarget, RemediationMode } from '../core/types.ts';
import { describeImdsChange, planImdsChange } from './imdsChange.ts';
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

const GONE = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

/** `; the event recorded HttpTokens optional, hop limit 3` when the instance no longer has what the event said. */
function changedSince(target: ImdsTarget, httpTokens: string, hopLimit: number): string {
  const seen = target.seen;
  if (!seen) return '';
  const differs =
    (seen.httpTokens !== undefined && seen.httpTokens !== httpTokens) ||
    (seen.hopLimit !== undefined && seen.hopLimit !== hopLimit);
  if (!differs) return '';
  const recorded = [
    ...(seen.httpTokens !== undefined ? [`HttpTokens ${seen.httpTokens}`] : []),
    ...(seen.hopLimit !== undefined ? [`hop limit ${seen.hopLimit}`] : []),
  ].join(', ');
  return ` (it changed since the event, which recorded ${recorded})`;
}

type InstanceOutcome = ActionOutcome;

async function enforceOne(
  ec2: EC2Client,
  target: ImdsTarget,
  mode: RemediationMode,
  options: ImdsActionOptions,
): Promise<InstanceOutcome> {
  const id = target.instanceId;
  let reply: DescribeInstancesCommandOutput;
  try {
    reply = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  } catch (error) {
    if (GONE.has(awsErrorName(error))) return { status: 'already-compliant', note: `${id} no longer exists` };
    throw error;
  }
  const instance = reply.Reservations?.[0]?.Instances?.[0];
  if (!instance) return { status: 'already-compliant', note: `${id} no longer exists` };
  const state = instance.State?.Name;
  if (state === 'terminated' || state === 'shutting-down') {
    return { status: 'already-compliant', note: `${id} is ${state}` };
  }
  const current = instance.MetadataOptions ?? {};
  const change = planImdsChange(
    {
      ...(current.HttpTokens ? { httpTokens: current.HttpTokens } : {}),
      ...(current.HttpPutResponseHopLimit !== undefined ? { hopLimit: current.HttpPutResponseHopLimit } : {}),
      ...(current.HttpEndpoint ? { httpEndpoint: current.HttpEndpoint } : {}),
    },
    target,
  );
  if (change.kind === 'endpoint-disabled') {
    return { status: 'already-compliant', note: `${id} has its metadata endpoint disabled` };
  }
  if (change.kind === 'compliant') {
    const tokens =
      change.httpTokens === 'required'
        ? 'already requires IMDSv2'
        : `keeps HttpTokens ${change.httpTokens} (its IMDS profile allows IMDSv1)`;
    return {
      status: 'already-compliant',
      note: `${id} ${tokens} with hop limit ${change.hopLimit}, within the maximum of ${target.maxHopLimit}${changedSince(target, change.httpTokens, change.hopLimit)}`,
    };
  }
  const what = `${id}: ${describeImdsChange(change, target)}`;
  // Every field is sent, the hop limit too: some endpoints (moto) reset fields a request leaves out.
  const input = {
    InstanceId: id,
    HttpTokens: change.httpTokens as 'required' | 'optional',
    HttpPutResponseHopLimit: change.hopLimit,
    HttpEndpoint: 'enabled' as const,
  };
  if (mode !== 'enforce') {
    if (!options.dryRunProbe) return { status: 'dry-run', note: `would set ${what}` };
    try {
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ ...input, DryRun: true }));
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'DryRunOperation') {
        return { status: 'dry-run', note: `would set ${what} (EC2 DryRun confirms the permission)` };
      }
      if (name === 'UnauthorizedOperation') {
        return {
          status: 'dry-run',
          note: `would set ${what}`,
          error: `the real call would be denied: ${describeAwsError(error)}`,
        };
      }
      throw error;
    }
    return { status: 'dry-run', note: `would set ${what} (the DryRun call reported no error)` };
  }
  await ec2.send(new ModifyInstanceMetadataOptionsCommand(input));
  return { status: 'applied', note: `set ${what}` };
}

/**
 * One outcome for the finding: failed when any instance failed (the others' notes kept), else dry-run,
 * applied or already-compliant, from the most to the least telling.
 */
function combine(outcomes: readonly InstanceOutcome[]): ActionOutcome {
  const notes = outcomes.flatMap((o) => (o.note ? [o.note] : [])).join('; ');
  const errors = outcomes.flatMap((o) => ('error' in o && o.error ? [o.error] : []));
  if (outcomes.some((o) => o.status === 'failed')) {
    return { status: 'failed', error: errors.join('; '), ...(notes ? { note: notes } : {}) };
  }
  for (const status of ['dry-run', 'applied'] as const) {
    if (outcomes.some((o) => o.status === status)) {
      return status === 'dry-run'
        ? { status, note: notes, ...(errors.length > 0 ? { error: errors.join('; ') } : {}) }
        : { status, note: notes };
    }
  }
  return { status: 'already-compliant', note: notes };
}

export async function enforceImdsV2(
  ec2: EC2Client,
  params: ImdsParams,
  mode: RemediationMode,
  options: ImdsActionOptions,
): Promise<ActionOutcome> {
  const outcomes: InstanceOutcome[] = [];
  for (const target of params.instances) {
    try {
      outcomes.push(await enforceOne(ec2, target, mode, options));
    } catch (error) {
      // A transient error retries the whole event: each instance is read again first, so nothing is done twice.
      if (isTransientAwsError(error) || params.instances.length === 1) throw error;
      outcomes.push({ status: 'failed', error: `${target.instanceId}: ${describeAwsError(error)}` });
    }
  }
  if (outcomes.length === 0) return { status: 'already-compliant', note: 'no instance to act on' };
  return combine(outcomes);
}

/** The action for createRemediator; EC2 is regional, so the instances' region picks the client. */
export function enforceImdsV2Action(
  ec2For: (region: string) => EC2Client,
  options: ImdsActionOptions,
): (params: ImdsParams, mode: RemediationMode) => Promise<ActionOutcome> {
  return (params, mode) => enforceImdsV2(ec2For(params.region), params, mode, options);
}
