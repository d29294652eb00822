/**
 * `restore-logging`: start a stopped trail again. Reads the trail's status first, so a trail already logging
 * (restarted by someone, or a duplicate delivery) is `already-compliant`; a trail that no longer exists
 * fails with what to do, since only a person can recreate it. Called in the trail's home region, the only
 * one where CloudTrail accepts StartLogging for it.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { awsErrorName } from '../aws/errors.ts';
import type { RemediationMode, TrailParams } from '../core/types.ts';
import type { ActionOutcome } from './outcome.ts';

export const RESTORE_LOGGING_PERMISSIONS = ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'] as const;

const GONE = new Set(['TrailNotFoundException', 'TrailNotFound']);

export async function restoreLogging(
  cloudtrail: CloudTrailClient,
  params: TrailParams,
  mode: RemediationMode,
): Promise<ActionOutcome> {
  let logging: boolean | undefined;
  try {
    logging = (await cloudtrail.send(new GetTrailStatusCommand({ Name: params.trailArn }))).IsLogging;
  } catch (error) {
    if (GONE.has(awsErrorName(error))) {
      return {
        status: 'failed',
        error: `trail ${params.trailName} no longer exists in ${params.region}; recreate it from its definition (nothing to start)`,
      };
    }
    throw error;
  }
  if (logging === true) {
    return { status: 'already-compliant', note: `trail ${params.trailName} is logging` };
  }
  if (mode !== 'enforce') {
    return { status: 'dry-run', note: `would start logging on trail ${params.trailName} (${params.region})` };
  }
  // In its home region, with its own account's credentials, the name is the trail; moto (5.x) takes no ARN here.
  await cloudtrail.send(new StartLoggingCommand({ Name: params.trailName }));
  return { status: 'applied', note: `started logging on trail ${params.trailName} (${params.region})` };
}

/** The action for createRemediator; CloudTrail is regional, so the trail's home region picks the client. */
export function restoreLoggingAction(
  cloudtrailFor: (region: string) => CloudTrailClient,
): (params: TrailParams, mode: RemediationMode) => Promise<ActionOutcome> {
  return (params, mode) => restoreLogging(cloudtrailFor(params.region), params, mode);
}
