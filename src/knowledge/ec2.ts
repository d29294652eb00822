/**
 * Facts the ec2-events function reads from EC2 before evaluating (src/knowledge/prefetched.ts): an instance's
 * tags, which IMDS profiles match on (a ModifyInstanceMetadataOptions record carries none).
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { awsErrorName } from '../aws/errors.ts';
import type { FactRequest, InstanceTags, Known } from '../core/knowledge.ts';

/** The calls the loader makes (the function's role gets exactly these; enforce-imdsv2 makes the same read). */
export const INSTANCE_TAGS_PERMISSIONS = ['ec2:DescribeInstances'] as const;

const GONE = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);

/** DescribeInstances for one instance; a gone instance is unknown, saying so; other errors go to loadFacts. */
export function instanceTagsLoader(
  ec2For: (region: string) => EC2Client,
): (request: Extract<FactRequest, { kind: 'instanceTags' }>) => Promise<Known<InstanceTags>> {
  return async ({ instanceId, region }) => {
    const gone: Known<InstanceTags> = { known: false, why: `instance ${instanceId} no longer exists` };
    try {
      const reply = await ec2For(region).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
      const instance = reply.Reservations?.[0]?.Instances?.[0];
      if (!instance) return gone;
      const tags: Record<string, string> = {};
      for (const tag of instance.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      return { known: true, value: tags, source: 'ec2' };
    } catch (error) {
      if (GONE.has(awsErrorName(error))) return gone;
      throw error;
    }
  };
}
