/**
 * One analysis per permission event, shared by the policy rules (drift, wildcard, privesc, no-baseline,
 * unknown-document): which principals gain which documents by this call, and how each document compares with
 * the gaining principal's whole envelope (envelopes.ts). The engine prepares it once per record and hands it to
 * the rules in their context (inputs.ts); it reads what it needs beyond the record from Knowledge, as of the
 * event's time.
 *
 * The paths (`details.path`):
 * - `inline`: PutRolePolicy, PutUserPolicy, PutGroupPolicy: the document is in the record;
 * - `managed`: Attach{Role,User,Group}Policy: the managed policy's default version at the event's time;
 * - `group`: AddUserToGroup: the policies the group holds, now the user's too;
 * - `policy-version`: CreatePolicy, CreatePolicyVersion, SetDefaultPolicyVersion: a customer-managed policy's
 *   new version against the policy's own envelope (when the baseline declares it) and, once it is the default,
 *   against every principal that carries it (the baseline's, and those Knowledge says it is attached to);
 * - `boundary`: Delete{Role,User}PermissionsBoundary: the principal's current policies, no longer bounded.
 *
 * Wildcard and privesc look only at statements the principal's envelope does not already approve, so a grant
 * the baseline approved is not re-reported on every re-put.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type {
  FactRequest,
  HeldPolicy,
  Knowledge,
  KnowledgeSource,
  PrincipalKind,
} from '../core/knowledge.ts';
import type { PermissionSubject, PrincipalTarget } from '../events/subjects/index.ts';
import { BoundedCache, CACHE_LIMITS } from '../policy/cache.ts';
import { displayAction } from '../policy/catalogue.ts';
import type { DriftResult } from '../policy/envelope.ts';
import { compareToEnvelope } from '../policy/envelope.ts';
import type { NormalizedStatement, PolicyDocument } from '../policy/parse.ts';
import type { PrincipalEntry, WholeEnvelope } from './envelopes.ts';
import {
  declaredPolicy,
  envelopeFacts,
  lookupPrincipal,
  mayCarry,
  mayJoin,
  parseKnownDocument,
  policyEnvelope,
  policyNameOf,
  wholeEnvelope,
} from './envelopes.ts';

export type GainPath = 'inline' | 'managed' | 'group' | 'boundary' | 'policy-version';

/** A document a principal gains by the call. */
export interface GainedDocument {
  /** How findings name it: `inline policy S3Access`, `arn:aws:iam::aws:policy/AdministratorAccess (v1)`. */
  readonly label: string;
  readonly policyName?: string;
  readonly policyArn?: string;
  readonly versionId?: string;
  /** The group it comes through (path `group`, or a user's group policy for `boundary`). */
  readonly groupName?: string;
  /** Where the document was read: the record itself, or Knowledge. */
  readonly source: 'record' | KnowledgeSource;
  /** Set when the document could not be read and a baseline envelope stands in for it (its path). */
  readonly standIn?: string;
  readonly policy: PolicyDocument;
  /** Equal keys, equal documents (judgements are cached by it). */
  readonly key: string;
}

/** One document compared with one principal's whole envelope. */
export interface Judgement {
  readonly document: GainedDocument;
  /** Null when the principal has no envelope in the baseline (no-baseline says so). */
  readonly drift: DriftResult | null;
  /** The statements its envelope does not already approve (all of them without an envelope). */
  readonly unapprovedStatements: readonly NormalizedStatement[];
}

/** A principal (or, for `policy-version`, the policy itself) that gains documents by the call. */
export interface GainTarget {
  readonly kind: PrincipalKind | 'policy';
  readonly name: string;
  /** The principal's ARN; for a target the call reaches through a policy, the policy's holders are named here. */
  readonly arn: string;
  /** Where the baseline describes it; absent when the baseline gives it no envelope. */
  readonly baselinePath?: string;
  /** Why it has no envelope (unknown to the baseline, or an ephemeral user), when it has none. */
  readonly noBaseline?: string;
  /** Its whole envelope: what escalation paths may combine with a new grant. */
  readonly approved: readonly NormalizedStatement[];
  readonly judgements: readonly Judgement[];
  readonly notes: readonly string[];
}

/** A document a principal gains that guardrail could not read (iam.policy.unknown-document). */
export interface UnreadDocument {
  /** `managed policy arn:…`, `the policies of group developers`. */
  readonly what: string;
  readonly policyArn?: string;
  readonly versionId?: string;
  readonly groupName?: string;
  /** The principal that gains it (ARN). */
  readonly principal: string;
  readonly why: string;
}

export interface PolicyAnalysis {
  readonly path: GainPath;
  /** The finding's resource: the principal's ARN, or the policy's for `policy-version`. */
  readonly resource: string;
  /** The call in words, as a summary starts: `Managed policy arn:… attached to role X`. */
  readonly what: string;
  /** What every policy finding of the event carries in its details (path, names, ARN, version). */
  readonly details: Readonly<Record<string, unknown>>;
  readonly targets: readonly GainTarget[];
  readonly unread: readonly UnreadDocument[];
  /** For a managed policy: the baseline principals it reaches (`roles.X`, `users.approved[0]`...). */
  readonly reaches: readonly string[];
  /**
   * Documents a principal gains that its baseline approves outright (a managed policy it may carry, the
   * policies of a baseline group it may join): judged against no envelope, but still against the baseline's
   * `neverGrant` (iam.policy.never-grant), which binds every principal whatever its envelope.
   */
  readonly carried?: readonly GainedDocument[];
}

/** The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), or undefined when it is not one. */
export function partitionOf(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[1] ? parts[1] : undefined;
}

/** A replay gives the same document to the same principals many times: decide it once per envelope. */
const judgements = new WeakMap<
  readonly NormalizedStatement[],
  BoundedCache<string, Omit<Judgement, 'document'>>
>();

function judge(
  envelope: WholeEnvelope | undefined,
  document: GainedDocument,
  partition: string | undefined,
): Judgement {
  if (!envelope) return { document, drift: null, unapprovedStatements: document.policy.statements };
  let cache = judgements.get(envelope.statements);
  if (!cache) {
    cache = new BoundedCache(CACHE_LIMITS.analyses);
    judgements.set(envelope.statements, cache);
  }
  const verdict = cache.getOrSet(`${partition ?? ''}\u0000${document.key}`, () => {
    const drift = compareToEnvelope(document.policy, envelope.statements, partition ? { partition } : {});
    const covered = new Set(drift.coveredStatements);
    return { drift, unapprovedStatements: document.policy.statements.filter((s) => !covered.has(s.path)) };
  });
  return { document, ...verdict };
}

interface Resolved {
  readonly target: Omit<GainTarget, 'judgements'>;
  readonly found: PrincipalEntry | undefined;
  readonly envelope: WholeEnvelope | undefined;
}

function resolveTarget(
  baseline: Baseline,
  principal: PrincipalTarget,
  knowledge: Knowledge,
  at: string,
): Resolved {
  const lookup = lookupPrincipal(baseline, principal.kind, principal.name);
  if (!lookup || lookup.kind === 'ephemeral') {
    const noBaseline = lookup
      ? `an ephemeral user (${lookup.entry.matcher.path}), which the baseline gives no envelope`
      : `a ${principal.kind} the baseline does not know`;
    return {
      target: { ...principal, noBaseline, approved: [], notes: [] },
      found: undefined,
      envelope: undefined,
    };
  }
  const envelope = wholeEnvelope(baseline, lookup, principal.name, knowledge, at);
  return {
    target: {
      ...principal,
      baselinePath: envelope.baselinePath,
      approved: envelope.statements,
      notes: envelope.notes,
    },
    found: lookup,
    envelope,
  };
}

function withJudgements(
  resolved: Resolved,
  documents: readonly GainedDocument[],
  extraNotes: readonly string[] = [],
): GainTarget {
  const partition = partitionOf(resolved.target.arn);
  return {
    ...resolved.target,
    notes: [...resolved.target.notes, ...extraNotes],
    judgements: documents.map((document) => judge(resolved.envelope, document, partition)),
  };
}

type ManagedDocument =
  | { readonly ok: true; readonly document: GainedDocument }
  | { readonly ok: false; readonly why: string };

/**
 * A managed policy's document as of `at` (or at `versionId`): from Knowledge; for a customer-managed policy
 * the baseline declares and Knowledge cannot read, its envelope stands in (every version of it is judged
 * against that envelope, so it bounds whatever the policy holds).
 */
function managedDocument(
  baseline: Baseline,
  policyArn: string,
  knowledge: Knowledge,
  at: string,
  versionId?: string,
): ManagedDocument {
  const answer = knowledge.managedPolicy(policyArn, at, versionId);
  if (answer.known) {
    const where = `${policyArn} ${answer.value.versionId}`;
    const policy = parseKnownDocument(answer.value.document, where);
    if (typeof policy === 'string') return { ok: false, why: `its document does not parse: ${policy}` };
    return {
      ok: true,
      document: {
        label: `${policyArn} (${answer.value.versionId})`,
        policyName: policyNameOf(policyArn),
        policyArn,
        versionId: answer.value.versionId,
        source: answer.source,
        policy,
        key: `${where}\u0000${answer.value.document}`,
      },
    };
  }
  const declared = declaredPolicy(baseline, policyArn);
  if (declared && versionId === undefined) {
    return {
      ok: true,
      document: {
        label: `${policyArn} (its baseline envelope ${declared.path}: ${answer.why})`,
        policyName: declared.name,
        policyArn,
        source: 'baseline',
        standIn: declared.path,
        policy: { version: '2012-10-17', statements: declared.statements },
        key: `standin\u0000${declared.path}`,
      },
    };
  }
  return { ok: false, why: answer.why };
}

function inlineDocument(
  policyName: string,
  text: string,
  policy: PolicyDocument,
  source: GainedDocument['source'],
  groupName?: string,
): GainedDocument {
  return {
    label: groupName ? `inline policy ${policyName} of group ${groupName}` : `inline policy ${policyName}`,
    policyName,
    ...(groupName ? { groupName } : {}),
    source,
    policy,
    key: `inline\u0000${text}`,
  };
}

/** Documents of held policies (a group's, a principal's), resolved; those that cannot be read are listed. */
function heldDocuments(
  baseline: Baseline,
  held: readonly HeldPolicy[],
  source: KnowledgeSource,
  knowledge: Knowledge,
  at: string,
  skip: (policyArn: string) => boolean,
  groupName?: string,
): { documents: GainedDocument[]; unread: { what: string; policyArn?: string; why: string }[] } {
  const documents: GainedDocument[] = [];
  const unread: { what: string; policyArn?: string; why: string }[] = [];
  for (const policy of held) {
    if (policy.kind === 'inline') {
      if (policy.document === undefined) {
        unread.push({ what: `inline policy ${policy.name}`, why: 'its document was not read' });
        continue;
      }
      const parsed = parseKnownDocument(policy.document, `inline policy ${policy.name}`);
      if (typeof parsed === 'string') unread.push({ what: `inline policy ${policy.name}`, why: parsed });
      else documents.push(inlineDocument(policy.name, policy.document, parsed, source, groupName));
      continue;
    }
    const policyArn = policy.policyArn ?? policy.name;
    if (skip(policyArn)) continue;
    if (policy.document !== undefined) {
      const where = `${policyArn} ${policy.versionId ?? ''}`.trim();
      const parsed = parseKnownDocument(policy.document, where);
      if (typeof parsed === 'string') {
        unread.push({ what: `managed policy ${policyArn}`, policyArn, why: parsed });
        continue;
      }
      documents.push({
        label: `${policyArn}${policy.versionId ? ` (${policy.versionId})` : ''}${groupName ? ` of group ${groupName}` : ''}`,
        policyName: policyNameOf(policyArn),
        policyArn,
        ...(policy.versionId ? { versionId: policy.versionId } : {}),
        ...(groupName ? { groupName } : {}),
        source,
        policy: parsed,
        key: `${where}\u0000${policy.document}`,
      });
      continue;
    }
    const resolved = managedDocument(baseline, policyArn, knowledge, at);
    if (resolved.ok)
      documents.push(
        groupName
          ? { ...resolved.document, groupName, label: `${resolved.document.label} of group ${groupName}` }
          : resolved.document,
      );
    else unread.push({ what: `managed policy ${policyArn}`, policyArn, why: resolved.why });
  }
  return { documents, unread };
}

/** The baseline principals a managed policy reaches (may carry, or is attached to), by baseline path. */
function reachOf(targets: readonly GainTarget[]): string[] {
  return [
    ...new Set(targets.flatMap((t) => (t.baselinePath && t.kind !== 'policy' ? [t.baselinePath] : []))),
  ];
}

function principalDetails(principal: PrincipalTarget): Record<string, string> {
  return { [`${principal.kind}Name`]: principal.name };
}

function inline(
  subject: Extract<PermissionSubject, { kind: 'PutRolePolicy' | 'PutUserPolicy' | 'PutGroupPolicy' }>,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  const { principal } = subject;
  const resolved = resolveTarget(baseline, principal, knowledge, at);
  const document = inlineDocument(subject.policyName, subject.policyDocument, subject.policy, 'record');
  return {
    path: 'inline',
    resource: principal.arn,
    what: `Inline policy ${subject.policyName} on ${principal.kind === 'role' ? '' : `${principal.kind} `}${principal.name}`,
    details: { path: 'inline', ...principalDetails(principal), policyName: subject.policyName },
    targets: [withJudgements(resolved, [document])],
    unread: [],
    reaches: [],
  };
}

function attach(
  subject: Extract<
    PermissionSubject,
    { kind: 'AttachRolePolicy' | 'AttachUserPolicy' | 'AttachGroupPolicy' }
  >,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  const { principal, policyArn } = subject;
  const resolved = resolveTarget(baseline, principal, knowledge, at);
  const common = {
    path: 'managed' as const,
    resource: principal.arn,
    what: `Managed policy ${policyArn} attached to ${principal.kind} ${principal.name}`,
  };
  const reaches = [
    ...(resolved.target.baselinePath ? [resolved.target.baselinePath] : []),
    // A group's policy reaches the baseline users that may join it.
    ...(principal.kind === 'group'
      ? baseline.approvedUsers.filter((user) => mayJoin(user, principal.name)).map((user) => user.path)
      : []),
  ];
  const details = { path: 'managed', ...principalDetails(principal), policyArn, reaches };
  // The baseline lets it carry this policy: attaching it is silent (its later versions are still judged).
  const document = managedDocument(baseline, policyArn, knowledge, at);
  if (resolved.found && mayCarry(baseline, resolved.found, principal.name, policyArn)) {
    const carried = document.ok && !document.document.standIn ? [document.document] : [];
    return { ...common, details, targets: [], unread: [], reaches, carried };
  }
  if (!document.ok) {
    return {
      ...common,
      details,
      targets: [withJudgements(resolved, [])],
      unread: [
        { what: `managed policy ${policyArn}`, policyArn, principal: principal.arn, why: document.why },
      ],
      reaches,
    };
  }
  return {
    ...common,
    details: {
      ...details,
      ...(document.document.versionId ? { versionId: document.document.versionId } : {}),
    },
    targets: [withJudgements(resolved, [document.document])],
    unread: [],
    reaches,
  };
}

function joinGroup(
  subject: Extract<PermissionSubject, { kind: 'AddUserToGroup' }>,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  const { principal, group } = subject;
  const resolved = resolveTarget(baseline, principal, knowledge, at);
  const common = {
    path: 'group' as const,
    resource: principal.arn,
    what: `User ${principal.name} added to group ${group.name}`,
    details: { path: 'group', userName: principal.name, groupName: group.name },
    reaches: [],
  };
  const declaredGroup = baseline.groups.get(group.name);
  const held = knowledge.groupPolicies(group.name, at);
  // A baseline group the user may join is part of the user's whole envelope already.
  if (resolved.found?.kind === 'user' && declaredGroup && mayJoin(resolved.found.entry, group.name)) {
    const carried = held.known
      ? heldDocuments(baseline, held.value, held.source, knowledge, at, () => false, group.name).documents
      : [];
    return { ...common, targets: [], unread: [], carried: carried.filter((d) => !d.standIn) };
  }
  if (held.known) {
    const carried = (policyArn: string) =>
      resolved.found !== undefined && mayCarry(baseline, resolved.found, principal.name, policyArn);
    const { documents, unread } = heldDocuments(
      baseline,
      held.value,
      held.source,
      knowledge,
      at,
      carried,
      group.name,
    );
    return {
      ...common,
      targets: [withJudgements(resolved, documents)],
      unread: unread.map((u) => ({ ...u, groupName: group.name, principal: principal.arn })),
    };
  }
  if (declaredGroup) {
    const standIn: GainedDocument = {
      label: `the policies of group ${group.name} (its baseline envelope ${declaredGroup.path}: ${held.why})`,
      groupName: group.name,
      source: 'baseline',
      standIn: declaredGroup.path,
      policy: { version: '2012-10-17', statements: declaredGroup.statements },
      key: `standin\u0000${declaredGroup.path}`,
    };
    return { ...common, targets: [withJudgements(resolved, [standIn])], unread: [] };
  }
  return {
    ...common,
    targets: [withJudgements(resolved, [])],
    unread: [
      {
        what: `the policies of group ${group.name}`,
        groupName: group.name,
        principal: principal.arn,
        why: held.why,
      },
    ],
  };
}

/** The principals a customer-managed policy reaches: the baseline's that may carry it, and those it is attached to. */
function holdersOf(
  baseline: Baseline,
  policyArn: string,
  knowledge: Knowledge,
  at: string,
  account: string,
  partition: string,
): { holders: PrincipalTarget[]; attachmentsKnown: boolean; why?: string } {
  const holders = new Map<string, PrincipalTarget>();
  const arnOf = (kind: PrincipalKind, name: string) => `arn:${partition}:iam::${account}:${kind}/${name}`;
  const add = (kind: PrincipalKind, name: string) => {
    if (/[*?]/.test(name)) return;
    holders.set(`${kind}/${name}`, { kind, name, arn: arnOf(kind, name) });
  };
  for (const [name, role] of baseline.roles) {
    if (mayCarry(baseline, { kind: 'role', entry: role }, name, policyArn)) add('role', name);
  }
  for (const [name, group] of baseline.groups) {
    if (mayCarry(baseline, { kind: 'group', entry: group }, name, policyArn)) add('group', name);
  }
  for (const user of baseline.approvedUsers) {
    const name = user.matcher.describe.replace(/^name /, '');
    if (
      user.matcher.describe.startsWith('name ') &&
      mayCarry(baseline, { kind: 'user', entry: user }, name, policyArn)
    )
      add('user', name);
  }
  const entities = knowledge.policyEntities(policyArn, at);
  if (entities.known) for (const entity of entities.value) add(entity.kind, entity.name);
  return {
    holders: [...holders.values()],
    attachmentsKnown: entities.known,
    ...(entities.known ? {} : { why: entities.why }),
  };
}

function policyVersion(
  subject: Extract<
    PermissionSubject,
    { kind: 'CreatePolicy' | 'CreatePolicyVersion' | 'SetDefaultPolicyVersion' }
  >,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  const { policyArn } = subject;
  const declared = declaredPolicy(baseline, policyArn);
  const versionId = subject.versionId;
  const what =
    subject.kind === 'CreatePolicy'
      ? `New policy ${policyArn}`
      : subject.kind === 'SetDefaultPolicyVersion'
        ? `Version ${versionId} made the default of ${policyArn}`
        : `New ${subject.setAsDefault ? 'default ' : ''}version${versionId ? ` ${versionId}` : ''} of ${policyArn}`;
  const base = {
    path: 'policy-version' as const,
    resource: policyArn,
    what,
  };
  let document: GainedDocument;
  if (subject.kind === 'SetDefaultPolicyVersion') {
    const answer = knowledge.managedPolicy(policyArn, at, subject.versionId);
    const parsed = answer.known
      ? parseKnownDocument(answer.value.document, `${policyArn} ${subject.versionId}`)
      : undefined;
    if (!answer.known || typeof parsed === 'string' || parsed === undefined) {
      const why = answer.known ? `its document does not parse: ${parsed}` : answer.why;
      return {
        ...base,
        details: { path: 'policy-version', policyArn, versionId: subject.versionId, principals: [] },
        targets: [],
        unread: [
          {
            what: `version ${subject.versionId} of ${policyArn}`,
            policyArn,
            versionId: subject.versionId,
            principal: policyArn,
            why,
          },
        ],
        reaches: [],
      };
    }
    document = {
      label: `${policyArn} (${subject.versionId})`,
      policyName: subject.policyName,
      policyArn,
      versionId: subject.versionId,
      source: answer.source,
      policy: parsed,
      key: `${policyArn} ${subject.versionId}\u0000${answer.value.document}`,
    };
  } else {
    document = {
      label: `${policyArn}${versionId ? ` (${versionId})` : ''}`,
      policyName: subject.policyName,
      policyArn,
      ...(versionId ? { versionId } : {}),
      source: 'record',
      policy: subject.policy,
      key: `managed\u0000${subject.policyDocument}`,
    };
  }
  const targets: GainTarget[] = [];
  // Every version of a declared policy stays within the policy's own envelope.
  if (declared) {
    const envelope = policyEnvelope(declared);
    targets.push({
      kind: 'policy',
      name: declared.name,
      arn: policyArn,
      baselinePath: declared.path,
      approved: envelope.statements,
      notes: [],
      judgements: [judge(envelope, document, partitionOf(policyArn))],
    });
  }
  // A version in effect reaches every principal that carries the policy. CreatePolicy reaches nobody yet.
  const inEffect =
    subject.kind === 'SetDefaultPolicyVersion' ||
    (subject.kind === 'CreatePolicyVersion' && subject.setAsDefault);
  let holdersNote: string | undefined;
  if (inEffect) {
    const account = policyArn.split(':')[4] ?? '';
    const partition = partitionOf(policyArn) ?? 'aws';
    const { holders, attachmentsKnown, why } = holdersOf(
      baseline,
      policyArn,
      knowledge,
      at,
      account,
      partition,
    );
    for (const holder of holders) {
      const resolved = resolveTarget(baseline, holder, knowledge, at);
      targets.push(withJudgements(resolved, [document]));
    }
    if (!attachmentsKnown) {
      holdersNote = `which principals ${policyArn} is attached to is not known here (${why}); judged for the baseline's own`;
      // Undeclared, with holders unknown: judged as held by a principal the baseline does not know.
      if (!declared && holders.length === 0) {
        targets.push({
          kind: 'policy',
          name: subject.policyName,
          arn: policyArn,
          noBaseline: `a customer-managed policy the baseline does not declare, attached to principals guardrail cannot see (${why})`,
          approved: [],
          notes: [],
          judgements: [judge(undefined, document, partitionOf(policyArn))],
        });
      }
    }
  }
  const reaches = reachOf(targets);
  return {
    ...base,
    details: {
      path: 'policy-version',
      policyArn,
      ...(document.versionId ? { versionId: document.versionId } : {}),
      ...(subject.kind === 'CreatePolicyVersion' ? { setAsDefault: subject.setAsDefault } : {}),
      principals: targets.filter((t) => t.kind !== 'policy').map((t) => `${t.kind}/${t.name}`),
      reaches,
      ...(holdersNote ? { holders: holdersNote } : {}),
    },
    targets,
    unread: [],
    reaches,
  };
}

function boundaryRemoved(
  subject: Extract<
    PermissionSubject,
    { kind: 'DeleteRolePermissionsBoundary' | 'DeleteUserPermissionsBoundary' }
  >,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  const { principal } = subject;
  const resolved = resolveTarget(baseline, principal, knowledge, at);
  const common = {
    path: 'boundary' as const,
    resource: principal.arn,
    what: `Permissions boundary removed from ${principal.kind} ${principal.name}`,
    details: { path: 'boundary', ...principalDetails(principal) },
    reaches: [],
  };
  const held = knowledge.principalPolicies({ kind: principal.kind, name: principal.name }, at);
  // Offline the trail rarely holds a principal's whole history: the boundary rule alone speaks then.
  if (!held.known) {
    return {
      ...common,
      targets: [withJudgements(resolved, [], [`its current policies are not known here: ${held.why}`])],
      unread: [],
    };
  }
  const documents: GainedDocument[] = [];
  const unread: UnreadDocument[] = [];
  const groups = new Map<string | undefined, HeldPolicy[]>();
  for (const policy of held.value) groups.set(policy.group, [...(groups.get(policy.group) ?? []), policy]);
  for (const [groupName, policies] of groups) {
    const result = heldDocuments(baseline, policies, held.source, knowledge, at, () => false, groupName);
    documents.push(...result.documents);
    unread.push(
      ...result.unread.map((u) => ({ ...u, ...(groupName ? { groupName } : {}), principal: principal.arn })),
    );
  }
  return { ...common, targets: [withJudgements(resolved, documents)], unread };
}

/** The analysis of a permission event, as of `at` (its eventTime). */
export function analyzePermissions(
  subject: PermissionSubject,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): PolicyAnalysis {
  switch (subject.kind) {
    case 'PutRolePolicy':
    case 'PutUserPolicy':
    case 'PutGroupPolicy':
      return inline(subject, baseline, knowledge, at);
    case 'AttachRolePolicy':
    case 'AttachUserPolicy':
    case 'AttachGroupPolicy':
      return attach(subject, baseline, knowledge, at);
    case 'AddUserToGroup':
      return joinGroup(subject, baseline, knowledge, at);
    case 'CreatePolicy':
    case 'CreatePolicyVersion':
    case 'SetDefaultPolicyVersion':
      return policyVersion(subject, baseline, knowledge, at);
    case 'DeleteRolePermissionsBoundary':
    case 'DeleteUserPermissionsBoundary':
      return boundaryRemoved(subject, baseline, knowledge, at);
  }
}

/**
 * What the Lambda reads from IAM before judging a permission event: the documents it gains and the AWS managed
 * documents of the gaining principals' envelopes. `knowledge` holds what earlier rounds answered (the holders of
 * a policy, known only once read, need their own envelopes' documents): callers ask again until nothing is new.
 */
export function permissionFacts(
  subject: PermissionSubject,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): FactRequest[] {
  const principalFacts = (kind: PrincipalKind, name: string) =>
    envelopeFacts(baseline, lookupPrincipal(baseline, kind, name));
  switch (subject.kind) {
    case 'PutRolePolicy':
    case 'PutUserPolicy':
    case 'PutGroupPolicy':
      return principalFacts(subject.principal.kind, subject.principal.name);
    case 'AttachRolePolicy':
    case 'AttachUserPolicy':
    case 'AttachGroupPolicy':
      return [
        ...principalFacts(subject.principal.kind, subject.principal.name),
        { kind: 'managedPolicy', policyArn: subject.policyArn },
      ];
    case 'AddUserToGroup':
      return [
        ...principalFacts('user', subject.principal.name),
        { kind: 'groupPolicies', groupName: subject.group.name },
      ];
    case 'CreatePolicy':
      return [];
    case 'CreatePolicyVersion':
    case 'SetDefaultPolicyVersion': {
      const inEffect = subject.kind === 'SetDefaultPolicyVersion' || subject.setAsDefault;
      if (!inEffect) return [];
      const facts: FactRequest[] = [{ kind: 'policyEntities', policyArn: subject.policyArn }];
      if (subject.kind === 'SetDefaultPolicyVersion')
        facts.push({ kind: 'managedPolicy', policyArn: subject.policyArn, versionId: subject.versionId });
      const account = subject.policyArn.split(':')[4] ?? '';
      const partition = partitionOf(subject.policyArn) ?? 'aws';
      const { holders } = holdersOf(baseline, subject.policyArn, knowledge, at, account, partition);
      for (const holder of holders) facts.push(...principalFacts(holder.kind, holder.name));
      return facts;
    }
    case 'DeleteRolePermissionsBoundary':
    case 'DeleteUserPermissionsBoundary':
      return [
        ...principalFacts(subject.principal.kind, subject.principal.name),
        {
          kind: 'principalPolicies',
          principal: { kind: subject.principal.kind, name: subject.principal.name },
        },
      ];
  }
}

/** A compact, readable view of a statement for finding details. */
export function describeStatement(statement: NormalizedStatement): Record<string, unknown> {
  return {
    path: statement.path,
    ...(statement.sid ? { sid: statement.sid } : {}),
    effect: statement.effect,
    [statement.actions.negated ? 'notAction' : 'action']: statement.actions.patterns.map(displayAction),
    [statement.resources.negated ? 'notResource' : 'resource']: statement.resources.patterns,
    ...(statement.condition ? { condition: statement.condition } : {}),
  };
}

/** One judgement with the target it is about. */
export interface TargetJudgement {
  readonly target: GainTarget;
  readonly judgement: Judgement;
}

/** Every (target, document) judgement of the analysis, in order. */
export function judged(analysis: PolicyAnalysis): TargetJudgement[] {
  return analysis.targets.flatMap((target) => target.judgements.map((judgement) => ({ target, judgement })));
}

/** `role XploreEC2Role`, `policy ImageGeneratorS3Access`: how findings name a target. */
export function targetLabel(target: Pick<GainTarget, 'kind' | 'name'>): string {
  return `${target.kind} ${target.name}`;
}

/**
 * Where a statement sits, as a finding shows it: its path alone when the event gives one document, else
 * prefixed with the document it is in.
 */
export function placeOf(analysis: PolicyAnalysis, item: TargetJudgement, statementPath: string): string {
  const documents = new Set(judged(analysis).map((p) => p.judgement.document.key));
  return documents.size > 1 ? `${item.judgement.document.label} ${statementPath}` : statementPath;
}
