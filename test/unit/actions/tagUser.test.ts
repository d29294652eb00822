import { IAMClient, ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ActionRetryableError, createRemediator } from '../../../src/actions/index.ts';
import { tagUserAction } from '../../../src/actions/tagUser.ts';
import { GuardrailTag } from '../../../src/core/tags.ts';
import type { Finding, TagParams } from '../../../src/core/types.ts';
import { accessDenied, sdkError, throttled } from '../../helpers/awsErrors.ts';
import { EPHEMERAL_USER, inMode, OWN_ACCOUNT, onlyFinding } from '../../helpers/findings.ts';
import { createUser, identities } from '../../helpers/records.ts';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const remediator = createRemediator({ 'tag-ephemeral': tagUserAction(iam) });
const remediate = (f: Finding) => remediator(f, OWN_ACCOUNT);

// The seed 004 per-run user, as the engine proposes it (the example baseline enforces iam.user.ephemeral).
const finding = onlyFinding(createUser(EPHEMERAL_USER, { userIdentity: identities.aimodelshareAutomation }));
const params = finding.remediation?.params as TagParams;

describe('tag-ephemeral', () => {
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(TagUserCommand).resolves({});
  });

  it('tags an untagged user with the four guardrail tags when enforcing', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({ status: 'applied', mode: 'enforce' });
    const calls = iamMock.commandCalls(TagUserCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      UserName: EPHEMERAL_USER,
      Tags: Object.entries(params.tags).map(([Key, Value]) => ({ Key, Value })),
    });
    expect(Object.keys(params.tags).sort()).toEqual(
      [GuardrailTag.ephemeral, GuardrailTag.creator, GuardrailTag.createdAt, GuardrailTag.expiresAt].sort(),
    );
    expect(result.remediation?.note).toContain(`tagged user ${EPHEMERAL_USER}`);
  });

  it('only reads in dry-run and says what it would tag', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    const result = await remediate(inMode(finding, 'dry-run'));
    expect(result.remediation).toMatchObject({ status: 'dry-run', mode: 'dry-run' });
    expect(result.remediation?.note).toMatch(/^would tag user /);
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('is already-compliant when every tag is there (a repeat does nothing)', async () => {
    iamMock
      .on(ListUserTagsCommand)
      .resolves({ Tags: Object.entries(params.tags).map(([Key, Value]) => ({ Key, Value })) });
    const result = await remediate(finding);
    expect(result.remediation?.status).toBe('already-compliant');
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('writes only the missing or different tags, reading every page of tags', async () => {
    const entries = Object.entries(params.tags);
    const [first, second] = entries;
    iamMock
      .on(ListUserTagsCommand, { UserName: EPHEMERAL_USER })
      .resolvesOnce({ Tags: [{ Key: first?.[0], Value: first?.[1] }], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({
        Tags: [
          { Key: second?.[0], Value: 'stale' },
          { Key: 'team', Value: 'ml' },
        ],
      });
    await remediate(finding);
    expect(iamMock.commandCalls(ListUserTagsCommand)[1]?.args[0].input).toEqual({
      UserName: EPHEMERAL_USER,
      Marker: 'm1',
    });
    const written = iamMock.commandCalls(TagUserCommand)[0]?.args[0].input.Tags?.map((t) => t.Key);
    expect(written).toEqual(entries.slice(1).map(([key]) => key));
  });

  it('treats a user deleted since the event as nothing left to do', async () => {
    iamMock.on(ListUserTagsCommand).rejects(sdkError('NoSuchEntity', 'The user cannot be found.', 404));
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({
      status: 'already-compliant',
      note: `user ${EPHEMERAL_USER} no longer exists`,
    });
  });

  it('records AccessDenied as failed with the one-line error, without throwing', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).rejects(accessDenied('iam:TagUser'));
    const result = await remediate(finding);
    expect(result.remediation?.status).toBe('failed');
    expect(result.remediation?.error).toMatch(
      /^AccessDenied: User: .* is not authorized to perform: iam:TagUser$/,
    );
  });

  it('throws ActionRetryableError when IAM still throttles after the SDK retries', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    iamMock.on(TagUserCommand).rejects(throttled());
    await expect(remediate(finding)).rejects.toBeInstanceOf(ActionRetryableError);
    await expect(remediate(finding)).rejects.toThrow(
      /^tag-ephemeral on arn:aws:iam::123456789012:user\/temporary.*: Throttling: Rate exceeded$/,
    );
  });

  it('honours forceDryRun over an enforcing baseline: the mode is decided once, before the action', async () => {
    iamMock.on(ListUserTagsCommand).resolves({ Tags: [] });
    const braked = createRemediator({ 'tag-ephemeral': tagUserAction(iam) }, { forceDryRun: true });
    const result = await braked(finding, OWN_ACCOUNT);
    expect(result.remediation).toMatchObject({ status: 'dry-run', mode: 'dry-run' });
    expect(iamMock.commandCalls(TagUserCommand)).toHaveLength(0);
  });

  it('fails clearly when the function was not given the action', async () => {
    const result = await createRemediator({})(finding, OWN_ACCOUNT);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error: 'this function cannot run tag-ephemeral',
    });
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('leaves findings without a proposed remediation untouched', async () => {
    const noRemediation = { ...finding, remediation: null };
    expect(await remediate(noRemediation)).toBe(noRemediation);
    const done = inMode(finding, 'enforce');
    const applied = { ...done, remediation: { ...done.remediation, status: 'applied' } } as typeof finding;
    expect(await remediate(applied)).toBe(applied);
    expect(iamMock.calls()).toHaveLength(0);
  });
});
