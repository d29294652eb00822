/**
 * `guardrail baseline snapshot`, pure: a baseline that makes the account as it is now compliant, from its state
 * (state.ts). Each role's, user's and group's envelope is its current inline policies; the managed policies it
 * carries go under `managedPolicies` (AWS managed by ARN, customer-managed by name, with their documents under
 * `policies`); trust policies, boundaries, key and console status, IMDS profiles grouped by what the running
 * instances use. Service-linked and AWS-reserved roles are left out (AWS owns their policies) and counted.
 *
 * The output is deterministic for one state: every list sorted, statements in their documents' order, comments
 * saying where each part came from. With an existing baseline (`--merge`), everything written there is kept as
 * written (comments too) and only what the account holds beyond it is added, each addition listed.
 */
import type { Pair } from 'yaml';
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq } from 'yaml';
import type { Baseline } from '../baseline/baseline.ts';
import { findApprovedUser, findRole } from '../baseline/baseline.ts';
import { GuardrailTag } from '../core/tags.ts';
import { globMatch } from '../policy/glob.ts';
import { compare } from './records.ts';
import type {
  AccountState,
  AttachedPolicy,
  ImdsOptions,
  InlinePolicy,
  InstanceState,
  RoleState,
  UserState,
} from './state.ts';
import { isAwsOwnedRole } from './state.ts';

export interface SnapshotOptions {
  /** Name globs of the roles, users, groups and policies to keep (none: all). */
  readonly include?: readonly string[];
  /** Name globs of the roles, users, groups and policies to leave out. */
  readonly exclude?: readonly string[];
  /** What the `# yaml-language-server: $schema=` line names (omitted when undefined). */
  readonly schema?: string;
  /** An existing baseline to keep and extend: its text and its compiled form (validated by the caller). */
  readonly merge?: { readonly text: string; readonly baseline: Baseline };
}

export interface SnapshotResult {
  readonly text: string;
  readonly written: {
    readonly roles: number;
    readonly users: number;
    readonly groups: number;
    readonly policies: number;
    readonly imdsProfiles: number;
  };
  readonly leftOut: {
    /** Service-linked roles and roles under /aws-reserved/. */
    readonly awsOwnedRoles: number;
    /** Names --include/--exclude left out. */
    readonly excluded: number;
    /** Users guardrail tagged ephemeral, or an ephemeral pattern of the merged baseline matches. */
    readonly ephemeralUsers: number;
    /** Customer-managed policies whose default version has no statement the baseline can hold. */
    readonly emptyPolicies: number;
  };
  /** What --merge added, and what the baseline names that the account no longer holds; empty without --merge. */
  readonly changes: readonly string[];
  /** What the snapshot cannot make compliant (root keys, old keys, an account IMDS default allowing IMDSv1). */
  readonly notes: readonly string[];
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type Statement = Record<string, Json>;

const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/** A document's statements with only the keys a baseline statement has (identity policies have no others). */
function statementsOf(document: string): Statement[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return [];
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  return list.flatMap((statement: unknown) => {
    if (!statement || typeof statement !== 'object') return [];
    const s = statement as Record<string, Json>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') return [];
    const out: Statement = {};
    for (const key of STATEMENT_KEYS) if (s[key] !== undefined && s[key] !== null) out[key] = s[key];
    if (out.Sid === '') delete out.Sid;
    return [out];
  });
}

/** The statements of several inline policies, each once, in policy-name then document order. */
function envelopeOf(inline: readonly InlinePolicy[]): Statement[] {
  const seen = new Set<string>();
  const out: Statement[] = [];
  for (const policy of [...inline].sort((a, b) => compare(a.name, b.name))) {
    for (const statement of statementsOf(policy.document)) {
      const key = JSON.stringify(statement);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(statement);
    }
  }
  return out;
}

const AWS_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\//;

/** AWS managed policies by ARN, customer-managed ones by name (their documents are under `policies`). */
function managedRefs(attached: readonly AttachedPolicy[]): string[] {
  return [...new Set(attached.map((p) => (AWS_MANAGED.test(p.arn) ? p.arn : p.name)))].sort(compare);
}

function list(values: unknown): string[] {
  return (Array.isArray(values) ? values : values === undefined ? [] : [values]).filter(
    (v): v is string => typeof v === 'string',
  );
}

/** Who a trust policy lets assume the role, in the baseline's terms (iam.role.trust). */
export function trustOf(document: string | undefined, ownAccount: string): Record<string, Json> | undefined {
  if (!document) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const raw = (parsed as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
  const services = new Set<string>();
  const accounts = new Set<string>();
  const principals = new Set<string>();
  const federated = new Set<string>();
  let crossAccount = 0;
  let withExternalId = 0;
  for (const statement of statements) {
    if (statement?.Effect !== 'Allow') continue;
    const principal = statement.Principal;
    if (principal === '*') {
      principals.add('*');
      continue;
    }
    if (!principal || typeof principal !== 'object') continue;
    const p = principal as Record<string, unknown>;
    for (const service of list(p.Service)) services.add(service);
    for (const provider of list(p.Federated)) federated.add(provider);
    let foreign = false;
    for (const aws of list(p.AWS)) {
      const account = /^\d{12}$/.test(aws) ? aws : /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(aws)?.[1];
      if (account) accounts.add(account);
      else principals.add(aws);
      const of = account ?? /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(aws)?.[1];
      if (of !== ownAccount) foreign = true;
    }
    if (foreign) {
      crossAccount += 1;
      if (JSON.stringify(statement.Condition ?? {}).includes('sts:ExternalId')) withExternalId += 1;
    }
  }
  const sorted = (set: Set<string>) => [...set].sort(compare);
  const trust: Record<string, Json> = {
    ...(services.size > 0 ? { services: sorted(services) } : {}),
    ...(accounts.size > 0 ? { accounts: sorted(accounts) } : {}),
    ...(principals.size > 0 ? { principals: sorted(principals) } : {}),
    ...(federated.size > 0 ? { federated: sorted(federated) } : {}),
    ...(crossAccount > 0 && withExternalId === crossAccount ? { externalId: 'required' } : {}),
  };
  return trust;
}

function day(iso: string | undefined): string | undefined {
  return iso?.slice(0, 10);
}

function names(policies: readonly { readonly name: string }[]): string {
  return policies
    .map((p) => p.name)
    .sort(compare)
    .join(', ');
}

/** Where a principal's entry came from, as its comment says. */
function origin(
  inline: readonly InlinePolicy[],
  attached: readonly AttachedPolicy[],
  extra: readonly (string | undefined)[],
): string {
  return [
    inline.length > 0 ? `inline ${names(inline)}` : 'no inline policy',
    attached.length > 0 ? `attached ${names(attached)}` : undefined,
    ...extra,
  ]
    .filter((part): part is string => part !== undefined)
    .join('; ');
}

interface Entry<T> {
  readonly name: string;
  readonly value: T;
  readonly comment: string;
}

function roleEntry(role: RoleState, account: string): Entry<Record<string, Json>> {
  const permissions = envelopeOf(role.inlinePolicies);
  const managed = managedRefs(role.attachedPolicies);
  const trust = trustOf(role.trustPolicy, account);
  return {
    name: role.roleName,
    value: {
      ...(role.description ? { description: role.description } : {}),
      ...(permissions.length > 0 ? { permissions } : {}),
      ...(managed.length > 0 ? { managedPolicies: managed } : {}),
      ...(trust ? { trust } : {}),
      ...(role.boundary ? { boundary: role.boundary } : {}),
    },
    comment: origin(role.inlinePolicies, role.attachedPolicies, [
      role.createdAt ? `created ${day(role.createdAt)}` : undefined,
      role.lastUsedAt ? `last used ${day(role.lastUsedAt)}` : undefined,
    ]),
  };
}

function userEntry(user: UserState): Entry<Record<string, Json>> {
  const permissions = envelopeOf(user.inlinePolicies);
  const managed = managedRefs(user.attachedPolicies);
  const credentials = user.credentials;
  const activeKeys = (credentials?.accessKeys ?? []).filter((k) => k.status === 'Active');
  return {
    name: user.userName,
    value: {
      name: user.userName,
      ...(activeKeys.length > 0 ? { accessKeys: 'allowed' } : {}),
      // Unknown (the credential report could not be read): the default, console allowed.
      ...(credentials && !credentials.passwordEnabled ? { console: false } : {}),
      ...(permissions.length > 0 ? { permissions } : {}),
      ...(managed.length > 0 ? { managedPolicies: managed } : {}),
      ...(user.groups.length > 0 ? { groups: [...user.groups].sort(compare) } : {}),
      ...(user.boundary ? { boundary: user.boundary } : {}),
    },
    comment: origin(user.inlinePolicies, user.attachedPolicies, [
      user.createdAt ? `created ${day(user.createdAt)}` : undefined,
      credentials
        ? `${activeKeys.length} active key(s)${activeKeys.length > 0 ? ` (oldest ${day(activeKeys.map((k) => k.createdAt ?? '').sort(compare)[0])})` : ''}, ${credentials.passwordEnabled ? 'console password' : 'no console password'}`
        : 'keys and password not read',
    ]),
  };
}

interface ImdsGroup {
  readonly httpTokens: 'required' | 'optional';
  readonly hopLimit: number;
  readonly instances: readonly InstanceState[];
}

/** Running instances grouped by what they use, for those the default (IMDSv2 only, hop limit 1) does not cover. */
function imdsGroups(state: AccountState): ImdsGroup[] {
  const groups = new Map<string, InstanceState[]>();
  for (const region of state.regions) {
    for (const instance of region.instances) {
      const options: ImdsOptions = instance.metadataOptions;
      if (options.httpEndpoint === 'disabled') continue;
      const tokens = options.httpTokens === 'optional' ? 'optional' : 'required';
      const hop = options.hopLimit ?? 1;
      if (tokens === 'required' && hop <= 1) continue;
      const key = `${tokens} ${String(hop).padStart(2, '0')}`;
      groups.set(key, [...(groups.get(key) ?? []), instance]);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([key, instances]) => ({
      httpTokens: key.startsWith('optional') ? 'optional' : 'required',
      hopLimit: Number(key.split(' ')[1]),
      instances: [...instances].sort((a, b) => compare(a.instanceId, b.instanceId)),
    }));
}

function profileOf(group: ImdsGroup): Entry<Record<string, Json>> {
  const name = `${group.httpTokens === 'optional' ? 'imdsv1' : 'imdsv2'}-hop-${group.hopLimit}`;
  const labels = group.instances.map((i) => `${i.instanceId}${i.tags.Name ? ` (${i.tags.Name})` : ''}`);
  return {
    name,
    value: {
      name,
      match: { instanceIds: group.instances.map((i) => i.instanceId) },
      ...(group.httpTokens === 'optional' ? { httpTokens: 'optional' } : {}),
      maxHopLimit: Math.max(1, group.hopLimit),
    },
    comment: `${group.instances.length} running instance(s) use HttpTokens ${group.httpTokens}, hop limit ${group.hopLimit}: ${labels.join(', ')}`,
  };
}

function selected(options: SnapshotOptions): (name: string) => boolean {
  const include = options.include ?? [];
  const exclude = options.exclude ?? [];
  return (name) =>
    (include.length === 0 || include.some((glob) => globMatch(glob, name))) &&
    !exclude.some((glob) => globMatch(glob, name));
}

/** Everything the account holds, as baseline entries, before it is written or merged. */
interface Parts {
  readonly roles: Entry<Record<string, Json>>[];
  readonly users: Entry<Record<string, Json>>[];
  readonly groups: Entry<Record<string, Json>>[];
  readonly policies: Entry<Record<string, Json>>[];
  readonly profiles: Entry<Record<string, Json>>[];
  readonly ownRoles: boolean;
  readonly leftOut: SnapshotResult['leftOut'];
  readonly notes: string[];
}

function partsOf(state: AccountState, options: SnapshotOptions): Parts {
  const keep = selected(options);
  let excluded = 0;
  const chosen = <T>(items: readonly T[], nameOf: (item: T) => string): T[] =>
    [...items]
      .filter((item) => {
        const ok = keep(nameOf(item));
        if (!ok) excluded += 1;
        return ok;
      })
      .sort((a, b) => compare(nameOf(a), nameOf(b)));

  const awsOwnedRoles = state.roles.filter(isAwsOwnedRole).length;
  const roles = chosen(
    state.roles.filter((role) => !isAwsOwnedRole(role)),
    (r) => r.roleName,
  );
  const merged = options.merge?.baseline;
  let ephemeralUsers = 0;
  const users = chosen(state.users, (u) => u.userName).filter((user) => {
    const ephemeral =
      user.tags[GuardrailTag.ephemeral] === 'true' ||
      (merged?.ephemeralUsers.some((e) => e.matcher.test(user.userName)) ?? false);
    if (ephemeral) ephemeralUsers += 1;
    return !ephemeral;
  });
  const groups = chosen(state.groups, (g) => g.groupName);
  const policies = chosen(state.policies, (p) => p.name);

  const attachTo = (arn: string) => {
    const of = <T>(
      items: readonly T[],
      nameOf: (item: T) => string,
      attached: (item: T) => readonly AttachedPolicy[],
    ) =>
      items
        .filter((item) => attached(item).some((p) => p.arn === arn))
        .map(nameOf)
        .sort(compare);
    return {
      roles: of(
        roles,
        (r) => r.roleName,
        (r) => r.attachedPolicies,
      ),
      users: of(
        users,
        (u) => u.userName,
        (u) => u.attachedPolicies,
      ),
      groups: of(
        groups,
        (g) => g.groupName,
        (g) => g.attachedPolicies,
      ),
    };
  };
  let emptyPolicies = 0;
  const policyEntries = policies.flatMap((policy): Entry<Record<string, Json>>[] => {
    const version = policy.versions.find((v) => v.versionId === policy.defaultVersionId);
    const permissions = version ? statementsOf(version.document) : [];
    if (permissions.length === 0) {
      emptyPolicies += 1;
      return [];
    }
    const to = attachTo(policy.arn);
    const attach = Object.fromEntries(Object.entries(to).filter(([, names]) => names.length > 0));
    return [
      {
        name: policy.name,
        value: {
          ...(policy.description ? { description: policy.description } : {}),
          permissions,
          ...(Object.keys(attach).length > 0 ? { attachTo: attach } : {}),
        },
        comment: `default version ${policy.defaultVersionId}${version?.createdAt ? ` of ${day(version.createdAt)}` : ''}; ${policy.versions.length} version(s) kept by IAM`,
      },
    ];
  });

  const notes: string[] = [];
  if (ephemeralUsers > 0 && !merged)
    notes.push(
      `${ephemeralUsers} user(s) guardrail tagged ephemeral are left out: add their pattern under users.ephemeral (or --merge into a baseline that has it), else the scan reports them`,
    );
  if ((state.rootAccessKeys ?? []).length > 0)
    notes.push(
      `the root user has ${state.rootAccessKeys?.length} active access key(s): no baseline approves them (iam.accesskey.long-lived); delete them`,
    );
  const rotation = merged?.rotationDays ?? 90;
  const old = users.flatMap((user) =>
    (user.credentials?.accessKeys ?? []).filter(
      (k) =>
        k.status === 'Active' &&
        k.createdAt !== undefined &&
        Date.parse(state.takenAt) - Date.parse(k.createdAt) > rotation * 86_400_000,
    ),
  );
  if (old.length > 0)
    notes.push(
      `${old.length} active key(s) are older than ${rotation} days: the scan reports them (iam.accesskey.stale) until they are rotated or accessKeys.rotationDays is raised`,
    );
  for (const region of state.regions) {
    if (region.metadataDefaults?.httpTokens === 'optional')
      notes.push(
        `the account default of ${region.region} lets new instances use IMDSv1: no baseline approves it (ec2.imds.account-default)`,
      );
  }
  for (const problem of state.problems) notes.push(`not read: ${problem.what} (${problem.error})`);

  return {
    roles: roles.map((role) => roleEntry(role, state.account)),
    users: users.map(userEntry),
    groups: groups.map((group) => {
      const permissions = envelopeOf(group.inlinePolicies);
      const managed = managedRefs(group.attachedPolicies);
      return {
        name: group.groupName,
        value: {
          ...(permissions.length > 0 ? { permissions } : {}),
          ...(managed.length > 0 ? { managedPolicies: managed } : {}),
        },
        comment: origin(group.inlinePolicies, group.attachedPolicies, []),
      };
    }),
    policies: policyEntries,
    profiles: imdsGroups(state).map(profileOf),
    ownRoles: roles.some((role) => globMatch('guardrail-*', role.roleName)),
    leftOut: { awsOwnedRoles, excluded, ephemeralUsers, emptyPolicies },
    notes,
  };
}

/** A map node whose pair for `key` gets `comment` above it. */
function commentKey(map: unknown, key: string, comment: string): void {
  if (!isMap(map)) return;
  const pair = (map.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = ` ${comment}`;
}

function header(state: AccountState, parts: Parts, options: SnapshotOptions, merging: boolean): string {
  const lines = [
    merging
      ? ` Extended by guardrail baseline snapshot --merge from account ${state.account} at ${state.takenAt}.`
      : ` Written by guardrail baseline snapshot from account ${state.account} at ${state.takenAt}:`,
    ` the account as it was then passes \`guardrail scan\`; review it, then narrow what should not be there.`,
    ` Left out: ${parts.leftOut.awsOwnedRoles} service-linked or AWS-reserved role(s) (AWS owns their policies), ${parts.leftOut.ephemeralUsers} ephemeral user(s), ${parts.leftOut.excluded} name(s) by --include/--exclude, ${parts.leftOut.emptyPolicies} policy(ies) without statements.`,
    ...(options.include?.length ? [` --include ${options.include.join(' ')}`] : []),
    ...(options.exclude?.length ? [` --exclude ${options.exclude.join(' ')}`] : []),
    ...parts.notes.map((note) => ` Note: ${note}.`),
  ];
  return lines.join('\n');
}

const WRITE = { lineWidth: 0, flowCollectionPadding: false } as const;

function fresh(state: AccountState, parts: Parts, options: SnapshotOptions): string {
  const object: Record<string, Json> = {
    version: 1,
    accounts: [state.account],
    ...(parts.ownRoles ? { guardrail: { ownRoles: ['guardrail-*'] } } : {}),
    roles: Object.fromEntries(parts.roles.map((e) => [e.name, e.value])),
    users: { approved: parts.users.map((e) => e.value) },
    groups: Object.fromEntries(parts.groups.map((e) => [e.name, e.value])),
    policies: Object.fromEntries(parts.policies.map((e) => [e.name, e.value])),
    ...(parts.profiles.length > 0 ? { imds: { profiles: parts.profiles.map((e) => e.value) } } : {}),
  };
  const doc = new Document(object);
  doc.commentBefore = header(state, parts, options, false);
  for (const entry of parts.roles) commentKey(doc.get('roles'), entry.name, entry.comment);
  for (const entry of parts.groups) commentKey(doc.get('groups'), entry.name, entry.comment);
  for (const entry of parts.policies) commentKey(doc.get('policies'), entry.name, entry.comment);
  const approved = doc.getIn(['users', 'approved']);
  if (isSeq(approved))
    approved.items.forEach((item, index) => {
      const entry = parts.users[index];
      if (entry && isMap(item)) item.commentBefore = ` ${entry.comment}`;
    });
  const profiles = doc.getIn(['imds', 'profiles']);
  if (isSeq(profiles))
    profiles.items.forEach((item, index) => {
      const entry = parts.profiles[index];
      if (entry && isMap(item)) item.commentBefore = ` ${entry.comment}`;
    });
  return doc.toString(WRITE);
}

/** The map at a top-level key of the document, created (empty) when absent. */
function mapAt(doc: Document, path: readonly string[]): YAMLMap {
  const found = doc.getIn(path);
  if (isMap(found)) return found;
  const created = new YAMLMap();
  doc.setIn(path, created);
  return created;
}

function seqAt(doc: Document, path: readonly string[]): YAMLSeq {
  const found = doc.getIn(path);
  if (isSeq(found)) return found;
  const created = new YAMLSeq();
  doc.setIn(path, created);
  return created;
}

function merge(
  state: AccountState,
  parts: Parts,
  options: SnapshotOptions,
  existing: { readonly text: string; readonly baseline: Baseline },
): { text: string; changes: string[] } {
  const doc = parseDocument(existing.text);
  const base = existing.baseline;
  const changes: string[] = [];
  const add = (
    path: readonly string[],
    entries: readonly Entry<Record<string, Json>>[],
    known: (name: string) => boolean,
    what: string,
  ) => {
    const fresh = entries.filter((entry) => !known(entry.name));
    if (fresh.length === 0) return;
    const map = mapAt(doc, path);
    for (const entry of fresh) {
      map.add(doc.createPair(entry.name, entry.value));
      commentKey(map, entry.name, `added by snapshot ${state.takenAt.slice(0, 10)}: ${entry.comment}`);
      changes.push(`added ${what} ${entry.name}`);
    }
  };
  add(['roles'], parts.roles, (name) => findRole(base, name) !== undefined, 'role');
  add(['groups'], parts.groups, (name) => base.groups.has(name), 'group');
  add(['policies'], parts.policies, (name) => base.policies.has(name), 'policy');
  const newUsers = parts.users.filter((entry) => findApprovedUser(base, entry.name) === undefined);
  if (newUsers.length > 0) {
    const approved = seqAt(doc, ['users', 'approved']);
    for (const entry of newUsers) {
      const node = doc.createNode(entry.value);
      node.commentBefore = ` added by snapshot ${state.takenAt.slice(0, 10)}: ${entry.comment}`;
      approved.add(node);
      changes.push(`added approved user ${entry.name}`);
    }
  }
  const profiles = parts.profiles.filter((entry) => {
    const ids = list((entry.value.match as { instanceIds?: Json }).instanceIds);
    const covered = (id: string) => {
      const instance = state.regions.flatMap((r) => r.instances).find((i) => i.instanceId === id);
      return base.imds.profiles.some(
        (profile) =>
          profile.instanceIds.includes(id) ||
          (Object.keys(profile.tags).length > 0 &&
            Object.entries(profile.tags).every(([k, v]) => instance?.tags[k] === v)),
      );
    };
    return !ids.every(covered);
  });
  if (profiles.length > 0) {
    const seq = seqAt(doc, ['imds', 'profiles']);
    for (const entry of profiles) {
      const node = doc.createNode(entry.value);
      node.commentBefore = ` added by snapshot ${state.takenAt.slice(0, 10)}: ${entry.comment}`;
      seq.add(node);
      changes.push(`added IMDS profile ${entry.name}`);
    }
  }
  if (base.accounts.length > 0 && !base.accounts.includes(state.account)) {
    seqAt(doc, ['accounts']).add(state.account);
    changes.push(`added account ${state.account}`);
  }
  // Named by the baseline, gone from the account: kept (it may come back, or be another account's), but said.
  const roleNames = new Set(state.roles.map((r) => r.roleName));
  for (const name of [...base.roles.keys()].sort(compare))
    if (!roleNames.has(name)) changes.push(`kept role ${name}: not in the account`);
  const note = header(state, parts, options, true);
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n${note}` : note;
  return { text: doc.toString(WRITE), changes };
}

export function snapshotBaseline(state: AccountState, options: SnapshotOptions = {}): SnapshotResult {
  const parts = partsOf(state, options);
  const merged = options.merge ? merge(state, parts, options, options.merge) : undefined;
  let text = merged?.text ?? fresh(state, parts, options);
  const schemaLine = options.schema ? `# yaml-language-server: $schema=${options.schema}\n` : '';
  if (schemaLine && !text.includes('yaml-language-server: $schema=')) text = `${schemaLine}${text}`;
  return {
    text,
    written: {
      roles: parts.roles.length,
      users: parts.users.length,
      groups: parts.groups.length,
      policies: parts.policies.length,
      imdsProfiles: parts.profiles.length,
    },
    leftOut: parts.leftOut,
    changes: merged?.changes ?? [],
    notes: parts.notes,
  };
}
