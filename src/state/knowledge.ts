/**
 * Knowledge from a state snapshot: what the rules may ask beyond a record (a managed policy's document, a
 * group's policies, who a policy is attached to, a principal's policies, a user's keys, an instance's tags),
 * answered from the account as it was read. The state is one moment, so every answer is "as of now"; a key's
 * "before `at`" is the keys created before it.
 */
import type {
  AccessKeyFact,
  HeldPolicy,
  Knowledge,
  Known,
  PolicyVersionFact,
  PrincipalRef,
} from '../core/knowledge.ts';
import { knowledgeWith } from '../engine/knowledge.ts';
import type { AccountState, AttachedPolicy, InlinePolicy, Tags } from './state.ts';

function known<T>(value: T): Known<T> {
  return { known: true, value, source: 'iam' };
}

function unknown<T>(why: string): Known<T> {
  return { known: false, why };
}

export function stateKnowledge(state: AccountState): Knowledge {
  const customer = new Map(state.policies.map((policy) => [policy.arn, policy]));
  const awsManaged = new Map(state.awsManagedPolicies.map((policy) => [policy.arn, policy]));
  const groups = new Map(state.groups.map((group) => [group.groupName, group]));
  const users = new Map(state.users.map((user) => [user.userName, user]));
  const roles = new Map(state.roles.map((role) => [role.roleName, role]));
  const instances = new Map(
    state.regions.flatMap((region) =>
      region.instances.map((instance) => [`${region.region}/${instance.instanceId}`, instance.tags] as const),
    ),
  );
  const held = (inline: readonly InlinePolicy[], attached: readonly AttachedPolicy[]): HeldPolicy[] => [
    ...inline.map((policy): HeldPolicy => ({ kind: 'inline', name: policy.name, document: policy.document })),
    ...attached.map((policy): HeldPolicy => {
      const document = managedDocument(policy.arn);
      return {
        kind: 'managed',
        name: policy.name,
        policyArn: policy.arn,
        ...(document ? { versionId: document.versionId, document: document.document } : {}),
      };
    }),
  ];
  const managedDocument = (arn: string, versionId?: string): PolicyVersionFact | undefined => {
    const mine = customer.get(arn);
    if (mine) {
      const version = mine.versions.find((v) => v.versionId === (versionId ?? mine.defaultVersionId));
      return version
        ? { policyArn: arn, versionId: version.versionId, document: version.document }
        : undefined;
    }
    const aws = awsManaged.get(arn);
    if (aws && (versionId === undefined || versionId === aws.versionId)) {
      return { policyArn: arn, versionId: aws.versionId, document: aws.document };
    }
    return undefined;
  };
  const entities = new Map<string, PrincipalRef[]>();
  const attach = (arn: string, ref: PrincipalRef): void => {
    entities.set(arn, [...(entities.get(arn) ?? []), ref]);
  };
  for (const user of state.users)
    for (const p of user.attachedPolicies) attach(p.arn, { kind: 'user', name: user.userName });
  for (const role of state.roles)
    for (const p of role.attachedPolicies) attach(p.arn, { kind: 'role', name: role.roleName });
  for (const group of state.groups)
    for (const p of group.attachedPolicies) attach(p.arn, { kind: 'group', name: group.groupName });

  // Built as a variable, not passed as a literal: the instance-tags getter is an extra the Knowledge of this
  // build may not declare yet (the EC2 profile rules ask it by this signature).
  const answers = {
    managedPolicy: (policyArn: string, _at: string, versionId?: string): Known<PolicyVersionFact> => {
      const document = managedDocument(policyArn, versionId);
      return document
        ? known(document)
        : unknown(
            `the document of ${policyArn}${versionId ? ` ${versionId}` : ''} was not read from the account`,
          );
    },
    groupPolicies: (groupName: string): Known<readonly HeldPolicy[]> => {
      const group = groups.get(groupName);
      return group
        ? known(held(group.inlinePolicies, group.attachedPolicies))
        : unknown(`group ${groupName} does not exist in the account`);
    },
    policyEntities: (policyArn: string): Known<readonly PrincipalRef[]> =>
      known(entities.get(policyArn) ?? []),
    principalPolicies: (principal: PrincipalRef): Known<readonly HeldPolicy[]> => {
      const found =
        principal.kind === 'user'
          ? users.get(principal.name)
          : principal.kind === 'role'
            ? roles.get(principal.name)
            : groups.get(principal.name);
      if (!found) return unknown(`${principal.kind} ${principal.name} does not exist in the account`);
      // A user's own policies and those of its groups, as the Lambda's IAM loader answers (a removed boundary
      // unbounds both).
      const throughGroups =
        'groups' in found
          ? found.groups.flatMap((name) => {
              const group = groups.get(name);
              return group
                ? held(group.inlinePolicies, group.attachedPolicies).map((p) => ({ ...p, group: name }))
                : [];
            })
          : [];
      return known([...held(found.inlinePolicies, found.attachedPolicies), ...throughGroups]);
    },
    accessKeys: (userName: string, at: string): Known<readonly AccessKeyFact[]> => {
      const credentials = users.get(userName)?.credentials;
      if (!credentials) return unknown(`the access keys of ${userName} could not be read`);
      const before = Date.parse(at);
      return known(
        credentials.accessKeys
          .filter(
            (key) =>
              key.createdAt === undefined || Number.isNaN(before) || Date.parse(key.createdAt) < before,
          )
          .map((key) => ({
            accessKeyId: key.accessKeyId,
            status: key.status,
            ...(key.createdAt ? { createDate: key.createdAt } : {}),
          })),
      );
    },
    instanceTags: (instanceId: string, region: string): Known<Tags> => {
      const tags = instances.get(`${region}/${instanceId}`);
      return tags
        ? { known: true, value: tags, source: 'ec2' }
        : unknown(`instance ${instanceId} was not read in ${region}`);
    },
  };
  return knowledgeWith(answers);
}
