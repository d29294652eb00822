/**
 * The EC2 half of the state reader (read.ts): a region's pending and running instances with their metadata
 * options and tags (DescribeInstances, pages of 1,000), and the account-level default for new instances
 * (GetInstanceMetadataDefaults). What fails becomes a problem of the state, never an exception.
 */
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { DescribeInstancesCommand, GetInstanceMetadataDefaultsCommand } from '@aws-sdk/client-ec2';
import { describeAwsError } from '../aws/errors.ts';
import type { ImdsOptions, RegionState, StateProblem } from './state.ts';

/** The EC2 calls this module makes. */
export const EC2_STATE_PERMISSIONS = ['ec2:DescribeInstances', 'ec2:GetInstanceMetadataDefaults'] as const;

export type Ec2ClientOf = (region: string) => EC2Client;

function iso(date: Date | undefined): string | undefined {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
}

function tagsOf(
  tags: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key) out[tag.Key] = tag.Value ?? '';
  return out;
}

function metadataOptionsOf(instance: Instance): ImdsOptions {
  const options = instance.MetadataOptions;
  return {
    ...(options?.HttpTokens ? { httpTokens: options.HttpTokens.toLowerCase() } : {}),
    ...(options?.HttpPutResponseHopLimit !== undefined ? { hopLimit: options.HttpPutResponseHopLimit } : {}),
    ...(options?.HttpEndpoint ? { httpEndpoint: options.HttpEndpoint.toLowerCase() } : {}),
  };
}

export async function readRegion(
  ec2: EC2Client,
  region: string,
  problems: StateProblem[],
): Promise<RegionState> {
  const instances: RegionState['instances'][number][] = [];
  try {
    let token: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }],
          MaxResults: 1000,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      for (const reservation of page.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (!instance.InstanceId) continue;
          const launchedAt = iso(instance.LaunchTime);
          instances.push({
            instanceId: instance.InstanceId,
            region,
            ...(reservation.OwnerId ? { ownerId: reservation.OwnerId } : {}),
            state: instance.State?.Name ?? 'unknown',
            tags: tagsOf(instance.Tags),
            metadataOptions: metadataOptionsOf(instance),
            ...(launchedAt ? { launchedAt } : {}),
          });
        }
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    problems.push({ what: `EC2 instances in ${region} (DescribeInstances)`, error: describeAwsError(error) });
  }
  let metadataDefaults: ImdsOptions | undefined;
  try {
    const reply = await ec2.send(new GetInstanceMetadataDefaultsCommand({}));
    const level = reply.AccountLevel;
    metadataDefaults = {
      ...(level?.HttpTokens ? { httpTokens: level.HttpTokens.toLowerCase() } : {}),
      ...(level?.HttpPutResponseHopLimit !== undefined ? { hopLimit: level.HttpPutResponseHopLimit } : {}),
      ...(level?.HttpEndpoint ? { httpEndpoint: level.HttpEndpoint.toLowerCase() } : {}),
    };
  } catch (error) {
    problems.push({
      what: `EC2 instance metadata defaults in ${region} (GetInstanceMetadataDefaults)`,
      error: describeAwsError(error),
    });
  }
  return { region, instances, ...(metadataDefaults ? { metadataDefaults } : {}) };
}
