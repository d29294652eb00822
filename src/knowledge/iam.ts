/**
 * The Lambda's Knowledge loaders for IAM (src/knowledge/prefetched.ts runs them): a managed policy's document
 * (GetPolicy for its default version, GetPolicyVersion), the entities a policy is attached to
 * (ListEntitiesForPolicy), a group's policies and a principal's policies (List*Policies, Get*Policy,
 * ListAttached*Policies, ListGroupsForUser). Answers are cached per warm container: a policy version's document
 * never changes, so it is kept for good (bounded); everything that can change is kept briefly.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedRolePolicies,
  paginateListAttachedUserPolicies,
  paginateListEntitiesForPolicy,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListRolePolicies,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import type { HeldPolicy, Known, PolicyVersionFact, PrincipalRef } from '../core/knowledge.ts';
import { iamReplyDocument } from '../policy/parse.ts';
import { FactCache } from './cache.ts';
import type { FactLoaders } from './prefetched.ts';

/** The calls these loaders make (the iam-events role is held to exactly these, test/infra). */
export const IAM_FACT_PERMISSIONS = [
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListEntitiesForPolicy',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:ListAttachedGroupPolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListAttachedUserPolicies',
  'iam:ListGroupsForUser',
] as const;

export interface IamLoaderOptions {
  /** How long mutable answers (default versions, attachments, group and principal policies) are kept. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** The default TTL: a warm container reuses answers within a burst of events, not across minutes. */
export const MUTABLE_FACT_TTL_MS = 60_000;

export function iamFactLoaders(iam: IAMClient, options: IamLoaderOptions = {}): FactLoaders {
  const cache = new FactCache({
    ttlMs: options.ttlMs ?? MUTABLE_FACT_TTL_MS,
    ...(options.now ? { now: options.now } : {}),
  });

  /** One version's document: immutable, kept for good. */
  const version = (policyArn: string, versionId: string): Promise<string> =>
    cache.immutable(`version ${policyArn} ${versionId}`, async () => {
      const reply = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
      );
      return iamReplyDocument(reply.PolicyVersion?.Document, `${policyArn} ${versionId}`);
    });

  const defaultVersion = (policyArn: string): Promise<string> =>
    cache.mutable(`default ${policyArn}`, async () => {
      const reply = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
      const id = reply.Policy?.DefaultVersionId;
      if (!id) throw new Error(`${policyArn}: IAM returned no default version`);
      return id;
    });

  const managedPolicy = async (policyArn: string, versionId?: string): Promise<Known<PolicyVersionFact>> => {
    const id = versionId ?? (await defaultVersion(policyArn));
    const document = await version(policyArn, id);
    return { known: true, source: 'iam', value: { policyArn, versionId: id, document } };
  };

  /** Attached managed policies with their default documents. */
  const attachedWithDocuments = async (
    pages: AsyncIterable<{ AttachedPolicies?: { PolicyArn?: string; PolicyName?: string }[] }>,
    group?: string,
  ): Promise<HeldPolicy[]> => {
    const held: HeldPolicy[] = [];
    for await (const page of pages) {
      for (const attached of page.AttachedPolicies ?? []) {
        if (!attached.PolicyArn) continue;
        const answer = await managedPolicy(attached.PolicyArn);
        held.push({
          kind: 'managed',
          name: attached.PolicyName ?? attached.PolicyArn,
          policyArn: attached.PolicyArn,
          ...(answer.known ? { versionId: answer.value.versionId, document: answer.value.document } : {}),
          ...(group ? { group } : {}),
        });
      }
    }
    return held;
  };

  const groupPolicies = (groupName: string): Promise<HeldPolicy[]> =>
    cache.mutable(`group ${groupName}`, async () => {
      const held: HeldPolicy[] = [];
      for await (const page of paginateListGroupPolicies({ client: iam }, { GroupName: groupName })) {
        for (const name of page.PolicyNames ?? []) {
          const reply = await iam.send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name }));
          held.push({
            kind: 'inline',
            name,
            document: iamReplyDocument(reply.PolicyDocument, `group ${groupName} ${name}`),
          });
        }
      }
      held.push(
        ...(await attachedWithDocuments(
          paginateListAttachedGroupPolicies({ client: iam }, { GroupName: groupName }),
        )),
      );
      return held;
    });

  const rolePolicies = async (roleName: string): Promise<HeldPolicy[]> => {
    const held: HeldPolicy[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
      for (const name of page.PolicyNames ?? []) {
        const reply = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
        held.push({
          kind: 'inline',
          name,
          document: iamReplyDocument(reply.PolicyDocument, `role ${roleName} ${name}`),
        });
      }
    }
    held.push(
      ...(await attachedWithDocuments(
        paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
      )),
    );
    return held;
  };

  /** A user's own policies and those of its groups (a removed boundary unbounds both). */
  const userPolicies = async (userName: string): Promise<HeldPolicy[]> => {
    const held: HeldPolicy[] = [];
    for await (const page of paginateListUserPolicies({ client: iam }, { UserName: userName })) {
      for (const name of page.PolicyNames ?? []) {
        const reply = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
        held.push({
          kind: 'inline',
          name,
          document: iamReplyDocument(reply.PolicyDocument, `user ${userName} ${name}`),
        });
      }
    }
    held.push(
      ...(await attachedWithDocuments(
        paginateListAttachedUserPolicies({ client: iam }, { UserName: userName }),
      )),
    );
    for await (const page of paginateListGroupsForUser({ client: iam }, { UserName: userName })) {
      for (const group of page.Groups ?? []) {
        if (!group.GroupName) continue;
        const groupName = group.GroupName;
        held.push(...(await groupPolicies(groupName)).map((policy) => ({ ...policy, group: groupName })));
      }
    }
    return held;
  };

  return {
    managedPolicy: ({ policyArn, versionId }) => managedPolicy(policyArn, versionId),
    policyEntities: async ({ policyArn }) => ({
      known: true,
      source: 'iam',
      value: await cache.mutable(`entities ${policyArn}`, async () => {
        const entities: PrincipalRef[] = [];
        for await (const page of paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: policyArn })) {
          for (const role of page.PolicyRoles ?? [])
            if (role.RoleName) entities.push({ kind: 'role', name: role.RoleName });
          for (const user of page.PolicyUsers ?? [])
            if (user.UserName) entities.push({ kind: 'user', name: user.UserName });
          for (const group of page.PolicyGroups ?? [])
            if (group.GroupName) entities.push({ kind: 'group', name: group.GroupName });
        }
        return entities;
      }),
    }),
    groupPolicies: async ({ groupName }) => ({
      known: true,
      source: 'iam',
      value: await groupPolicies(groupName),
    }),
    principalPolicies: async ({ principal }) => ({
      known: true,
      source: 'iam',
      value: await cache.mutable(`${principal.kind} ${principal.name}`, () =>
        principal.kind === 'role'
          ? rolePolicies(principal.name)
          : principal.kind === 'user'
            ? userPolicies(principal.name)
            : groupPolicies(principal.name),
      ),
    }),
  };
}
