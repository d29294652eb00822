/**
 * What the trail itself says about IAM policies, for `guardrail evaluate` and `guardrail replay`: the versions
 * of customer-managed policies and which one is the default (CreatePolicy, CreatePolicyVersion,
 * SetDefaultPolicyVersion, which carry the documents), who each policy is attached to (Attach and Detach), and
 * what each group holds (PutGroupPolicy, DeleteGroupPolicy, Attach/DetachGroupPolicy).
 *
 * A ledger keeps each fact with its eventTime and answers as of a time, whatever order it learned in. A list
 * (a policy's holders, a group's policies) is known only when the trail shows where it began (CreatePolicy,
 * CreateGroup): before that, the trail cannot tell what was already there, and the answer says so.
 */
import type {
  HeldPolicy,
  Knowledge,
  Known,
  PolicyVersionFact,
  PrincipalKind,
  PrincipalRef,
} from '../core/knowledge.ts';
import type { CloudTrailRecord } from '../core/types.ts';
import type { Subject } from '../events/subjects/index.ts';
import { isAwsManagedArn } from './awsManaged.ts';
import type { Ledger } from './ledger.ts';

function timeOf(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Facts in time order; equal times keep the order that puts a beginning (create) before what follows it. */
interface Dated {
  readonly time: number;
  readonly order: number;
}

function upTo<T extends Dated>(facts: readonly T[] | undefined, at: string): T[] {
  const limit = timeOf(at);
  return (facts ?? []).filter((f) => f.time <= limit).sort((a, b) => a.time - b.time || a.order - b.order);
}

/** The facts after the last beginning (a policy or group created anew starts from nothing). */
function sinceLastBeginning<T extends Dated & { readonly begins: boolean }>(
  facts: readonly T[],
): {
  readonly facts: readonly T[];
  readonly complete: boolean;
} {
  let start = -1;
  facts.forEach((fact, index) => {
    if (fact.begins) start = index;
  });
  return { facts: start < 0 ? facts : facts.slice(start), complete: start >= 0 };
}

type VersionFact = Dated & {
  readonly begins: boolean;
  /** A version created (with its document), or made the default. */
  readonly versionId?: string;
  readonly document?: string;
  readonly becomesDefault: boolean;
};

const ORDER = { begin: 0, version: 1, attach: 2, default: 3 } as const;

/**
 * Versions and defaults of customer-managed policies. AWS managed policies come from `awsManaged` (the AWS
 * managed-policy data), since AWS changes them without a record in anyone's trail.
 */
export function policyVersionLedger(
  awsManaged?: Knowledge['managedPolicy'],
  /** Whether an AWS managed document is a question for the end of the replay (read from IAM then). */
  awsManagedLater = false,
): Ledger {
  const byPolicy = new Map<string, VersionFact[]>();
  const add = (arn: string, fact: VersionFact) => byPolicy.set(arn, [...(byPolicy.get(arn) ?? []), fact]);
  return {
    learnsFrom: ['CreatePolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion'],
    learn(subject: Subject, record: CloudTrailRecord) {
      const time = timeOf(record.eventTime);
      if (subject.kind === 'CreatePolicy') {
        add(subject.policyArn, {
          time,
          order: ORDER.begin,
          begins: true,
          versionId: subject.versionId,
          document: subject.policyDocument,
          becomesDefault: true,
        });
      } else if (subject.kind === 'CreatePolicyVersion') {
        add(subject.policyArn, {
          time,
          order: ORDER.version,
          begins: false,
          ...(subject.versionId ? { versionId: subject.versionId } : {}),
          document: subject.policyDocument,
          becomesDefault: subject.setAsDefault,
        });
      } else if (subject.kind === 'SetDefaultPolicyVersion') {
        add(subject.policyArn, {
          time,
          order: ORDER.default,
          begins: false,
          versionId: subject.versionId,
          becomesDefault: true,
        });
      }
    },
    // AWS managed documents come from `awsManaged`, never from the trail; where they are read from IAM once
    // the trail is read (the replay function), a record asking for one waits for that like a trail question.
    fromTrail: (_getter, [policyArn]) => awsManagedLater || !isAwsManagedArn(String(policyArn)),
    answers: {
      managedPolicy(policyArn, at, versionId): Known<PolicyVersionFact> {
        if (isAwsManagedArn(policyArn)) {
          return awsManaged
            ? awsManaged(policyArn, at, versionId)
            : { known: false, why: 'the AWS managed-policy data is not loaded here' };
        }
        const { facts } = sinceLastBeginning(upTo(byPolicy.get(policyArn), at));
        const documentOf = (id: string) =>
          [...facts].reverse().find((f) => f.versionId === id && f.document !== undefined)?.document;
        const known = (id: string, document: string): Known<PolicyVersionFact> => ({
          known: true,
          source: 'trail',
          value: { policyArn, versionId: id, document },
        });
        if (versionId) {
          const document = documentOf(versionId);
          return document !== undefined
            ? known(versionId, document)
            : {
                known: false,
                why: `the records read do not show version ${versionId} of ${policyArn} being created`,
              };
        }
        const current = [...facts].reverse().find((f) => f.becomesDefault);
        if (!current) {
          return {
            known: false,
            why: 'the records read show neither its creation nor a default version of it',
          };
        }
        // A new default version without its id in the record: its document is the default all the same.
        if (current.document !== undefined) return known(current.versionId ?? 'v?', current.document);
        const document = current.versionId ? documentOf(current.versionId) : undefined;
        return document !== undefined && current.versionId
          ? known(current.versionId, document)
          : {
              known: false,
              why: `${current.versionId ?? 'a version'} of ${policyArn} became its default, but the records read do not show that version being created`,
            };
      },
    },
  };
}

type AttachmentFact = Dated & {
  readonly begins: boolean;
  readonly entity?: PrincipalRef;
  readonly attached: boolean;
};

type GroupFact = Dated & {
  readonly begins: boolean;
  /** An inline policy put (with its document) or deleted (without), or a managed policy attached or detached. */
  readonly inline?: { readonly name: string; readonly document?: string };
  readonly managed?: { readonly policyArn: string; readonly attached: boolean };
};

const KIND_OF: Readonly<Record<string, PrincipalKind>> = {
  AttachRolePolicy: 'role',
  DetachRolePolicy: 'role',
  AttachUserPolicy: 'user',
  DetachUserPolicy: 'user',
  AttachGroupPolicy: 'group',
  DetachGroupPolicy: 'group',
};

/** Who each managed policy is attached to, and what each group holds. */
export function attachmentLedger(): Ledger {
  const byPolicy = new Map<string, AttachmentFact[]>();
  const byGroup = new Map<string, GroupFact[]>();
  const addPolicy = (arn: string, fact: AttachmentFact) =>
    byPolicy.set(arn, [...(byPolicy.get(arn) ?? []), fact]);
  // IAM group names are unique case-insensitively.
  const addGroup = (name: string, fact: GroupFact) =>
    byGroup.set(name.toLowerCase(), [...(byGroup.get(name.toLowerCase()) ?? []), fact]);
  return {
    learnsFrom: [
      'CreatePolicy',
      'AttachRolePolicy',
      'AttachUserPolicy',
      'AttachGroupPolicy',
      'DetachRolePolicy',
      'DetachUserPolicy',
      'DetachGroupPolicy',
      'CreateGroup',
      'PutGroupPolicy',
      'DeleteGroupPolicy',
    ],
    learn(subject: Subject, record: CloudTrailRecord) {
      const time = timeOf(record.eventTime);
      switch (subject.kind) {
        case 'CreatePolicy':
          addPolicy(subject.policyArn, { time, order: ORDER.begin, begins: true, attached: false });
          return;
        case 'CreateGroup':
          addGroup(subject.principal.name, { time, order: ORDER.begin, begins: true });
          return;
        case 'PutGroupPolicy':
          addGroup(subject.principal.name, {
            time,
            order: ORDER.attach,
            begins: false,
            inline: { name: subject.policyName, document: subject.policyDocument },
          });
          return;
        case 'DeleteGroupPolicy':
          addGroup(subject.principal.name, {
            time,
            order: ORDER.attach,
            begins: false,
            inline: { name: subject.policyName },
          });
          return;
        case 'AttachRolePolicy':
        case 'AttachUserPolicy':
        case 'AttachGroupPolicy':
        case 'DetachRolePolicy':
        case 'DetachUserPolicy':
        case 'DetachGroupPolicy': {
          const attached = subject.kind.startsWith('Attach');
          const kind = KIND_OF[subject.kind] as PrincipalKind;
          addPolicy(subject.policyArn, {
            time,
            order: ORDER.attach,
            begins: false,
            entity: { kind, name: subject.principal.name },
            attached,
          });
          if (kind === 'group') {
            addGroup(subject.principal.name, {
              time,
              order: ORDER.attach,
              begins: false,
              managed: { policyArn: subject.policyArn, attached },
            });
          }
          return;
        }
        default:
          return;
      }
    },
    // No trail shows an AWS managed policy being created, so who holds one is never the trail's to say; a
    // group's policies are.
    fromTrail: (getter, [name]) => getter !== 'policyEntities' || !isAwsManagedArn(String(name)),
    answers: {
      policyEntities(policyArn, at): Known<readonly PrincipalRef[]> {
        const { facts, complete } = sinceLastBeginning(upTo(byPolicy.get(policyArn), at));
        if (!complete) {
          return {
            known: false,
            why: `the records read do not show ${policyArn} being created, so who held it before them is not known`,
          };
        }
        const held = new Map<string, PrincipalRef>();
        for (const fact of facts) {
          if (!fact.entity) continue;
          const key = `${fact.entity.kind}/${fact.entity.name.toLowerCase()}`;
          if (fact.attached) held.set(key, fact.entity);
          else held.delete(key);
        }
        return { known: true, source: 'trail', value: [...held.values()] };
      },
      groupPolicies(groupName, at): Known<readonly HeldPolicy[]> {
        const { facts, complete } = sinceLastBeginning(upTo(byGroup.get(groupName.toLowerCase()), at));
        if (!complete) {
          return {
            known: false,
            why: `the records read do not show group ${groupName} being created, so what it held before them is not known`,
          };
        }
        const inline = new Map<string, HeldPolicy>();
        const managed = new Map<string, HeldPolicy>();
        for (const fact of facts) {
          if (fact.inline) {
            if (fact.inline.document !== undefined) {
              inline.set(fact.inline.name, {
                kind: 'inline',
                name: fact.inline.name,
                document: fact.inline.document,
              });
            } else inline.delete(fact.inline.name);
          }
          if (fact.managed) {
            if (fact.managed.attached) {
              managed.set(fact.managed.policyArn, {
                kind: 'managed',
                name: fact.managed.policyArn.slice(fact.managed.policyArn.lastIndexOf('/') + 1),
                policyArn: fact.managed.policyArn,
              });
            } else managed.delete(fact.managed.policyArn);
          }
        }
        return { known: true, source: 'trail', value: [...inline.values(), ...managed.values()] };
      },
    },
  };
}
