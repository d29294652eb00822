/**
 * `tag-ephemeral` and `tag-orphaned`: put guardrail's tags on an IAM user. Reads the user's tags first, so
 * a repeat is `already-compliant` and only missing or different tags are written. Never removes a tag.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { AwsErrorKind, classifyAwsError } from '../aws/errors.ts';
import type { RemediationMode, TagParams } from '../core/types.ts';
import type { ActionOutcome } from './outcome.ts';

export const TAG_USER_PERMISSIONS = ['iam:ListUserTags', 'iam:TagUser'] as const;

async function currentTags(iam: IAMClient, userName: string): Promise<Map<string, string>> {
  const tags = new Map<string, string>();
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListUserTagsCommand({ UserName: userName, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const tag of page.Tags ?? []) tags.set(tag.Key ?? '', tag.Value ?? '');
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return tags;
}

export async function tagUser(
  iam: IAMClient,
  params: TagParams,
  mode: RemediationMode,
): Promise<ActionOutcome> {
  let tags: Map<string, string>;
  try {
    tags = await currentTags(iam, params.userName);
  } catch (error) {
    // Deleted since the event (a short run cleaning up after itself): nothing left to tag.
    if (classifyAwsError(error) === AwsErrorKind.notFound) {
      return { status: 'already-compliant', note: `user ${params.userName} no longer exists` };
    }
    throw error;
  }
  const missing = Object.entries(params.tags).filter(([key, value]) => tags.get(key) !== value);
  if (missing.length === 0) {
    return {
      status: 'already-compliant',
      note: `user ${params.userName} already carries ${Object.keys(params.tags).join(', ')}`,
    };
  }
  const listed = missing.map(([key, value]) => `${key}=${value}`).join(', ');
  if (mode !== 'enforce') return { status: 'dry-run', note: `would tag user ${params.userName}: ${listed}` };
  await iam.send(
    new TagUserCommand({
      UserName: params.userName,
      Tags: missing.map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  return { status: 'applied', note: `tagged user ${params.userName}: ${listed}` };
}

/** The action for createRemediator: `tag-ephemeral` and `tag-orphaned` both use it. */
export function tagUserAction(
  iam: IAMClient,
): (params: TagParams, mode: RemediationMode) => Promise<ActionOutcome> {
  return (params, mode) => tagUser(iam, params, mode);
}
