/**
 * Knowledge implementations that need no I/O: none at all, and one answering from facts loaded beforehand
 * (the Lambda loads what `factsNeeded` asks for, then evaluates with this). The offline knowledge (AWS
 * managed-policy data, what the trail says) builds on `knowledgeWith`.
 */
import type {
  AccessKeyFact,
  HeldPolicy,
  InstanceTags,
  Knowledge,
  Known,
  PolicyVersionFact,
  PrincipalRef,
  TrailFact,
} from '../core/knowledge.ts';

function unknown<T>(why: string): Known<T> {
  return { known: false, why };
}

/** Knows nothing; each answer says so. */
export const NO_KNOWLEDGE: Knowledge = Object.freeze({
  managedPolicy: (arn: string) => unknown<PolicyVersionFact>(`the document of ${arn} is not available here`),
  groupPolicies: (group: string) =>
    unknown<readonly HeldPolicy[]>(`the policies of group ${group} are not available here`),
  policyEntities: (arn: string) =>
    unknown<readonly PrincipalRef[]>(`the entities ${arn} is attached to are not available here`),
  principalPolicies: (p: PrincipalRef) =>
    unknown<readonly HeldPolicy[]>(`the policies of ${p.kind} ${p.name} are not available here`),
  accessKeys: (user: string) =>
    unknown<readonly AccessKeyFact[]>(`the access keys of ${user} are not available here`),
  trail: (trail: string) => unknown<TrailFact>(`the settings of trail ${trail} are not available here`),
  instanceTags: (instanceId: string) =>
    unknown<InstanceTags>(`the tags of instance ${instanceId} are not in the record and not available here`),
});

/** A knowledge that answers from `overrides` and falls back to `base` for the rest. */
export function knowledgeWith(overrides: Partial<Knowledge>, base: Knowledge = NO_KNOWLEDGE): Knowledge {
  return { ...base, ...overrides };
}
