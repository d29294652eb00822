/**
 * A principal's whole envelope (coverage-design part 3): its own `permissions`, the envelopes of the
 * customer-managed policies the baseline lets it carry (`policies.<name>.permissions`), the documents of the
 * AWS managed policies it may carry as they were at the event's time, and, for a user, the whole envelopes of
 * the groups it may join. `iam.policy.drift` compares what a principal gains with this.
 *
 * Envelopes are built once per principal and set of AWS managed versions, and kept (the policy engine prepares
 * an envelope once per array it is given, so the same array must come back for the same envelope).
 */
import type {
  ApprovedUser,
  Baseline,
  EphemeralUser,
  GroupBaseline,
  PolicyBaseline,
  PrincipalBaseline,
  RoleBaseline,
} from '../baseline/baseline.ts';
import { findApprovedUser, findRole } from '../baseline/baseline.ts';
import { PolicyParseError } from '../core/errors.ts';
import type { FactRequest, Knowledge, PrincipalKind } from '../core/knowledge.ts';
import { BoundedCache, CACHE_LIMITS } from '../policy/cache.ts';
import { globMatch } from '../policy/glob.ts';
import type { NormalizedStatement, PolicyDocument } from '../policy/parse.ts';
import { parsePolicyDocument } from '../policy/parse.ts';

/** What the baseline says about a role, user or group; `ephemeral` users are known but have no envelope. */
export type PrincipalEntry =
  | { readonly kind: 'role'; readonly entry: RoleBaseline }
  | { readonly kind: 'user'; readonly entry: ApprovedUser }
  | { readonly kind: 'group'; readonly entry: GroupBaseline };

export type PrincipalLookup =
  | PrincipalEntry
  | { readonly kind: 'ephemeral'; readonly entry: EphemeralUser }
  | undefined;

export function lookupPrincipal(baseline: Baseline, kind: PrincipalKind, name: string): PrincipalLookup {
  if (kind === 'role') {
    const entry = findRole(baseline, name);
    return entry ? { kind, entry } : undefined;
  }
  if (kind === 'group') {
    const entry = baseline.groups.get(name);
    return entry ? { kind, entry } : undefined;
  }
  const entry = findApprovedUser(baseline, name);
  if (entry) return { kind, entry };
  const ephemeral = baseline.ephemeralUsers.find((user) => user.matcher.test(name));
  return ephemeral ? { kind: 'ephemeral', entry: ephemeral } : undefined;
}

const CUSTOMER_POLICY = /^arn:aws[\w-]*:iam::\d{12}:policy\//;
const AWS_POLICY = /^arn:aws[\w-]*:iam::aws:policy\//;

export function isAwsManaged(policyArn: string): boolean {
  return AWS_POLICY.test(policyArn);
}

/** A policy's name: the last part of its ARN. */
export function policyNameOf(policyArn: string): string {
  return policyArn.slice(policyArn.lastIndexOf('/') + 1);
}

/** The customer-managed policy of the baseline an ARN names (by name, any path and account), if any. */
export function declaredPolicy(baseline: Baseline, policyArn: string): PolicyBaseline | undefined {
  return CUSTOMER_POLICY.test(policyArn) ? baseline.policies.get(policyNameOf(policyArn)) : undefined;
}

const ATTACH_KEY = { role: 'roles', user: 'users', group: 'groups' } as const;

/** Whether `policies.<name>.attachTo` lets this principal carry the declared policy. */
function attachToAllows(policy: PolicyBaseline, kind: PrincipalKind, name: string): boolean {
  // IAM user and group names are unique case-insensitively; role names too.
  return policy.attachTo[ATTACH_KEY[kind]].some((glob) => globMatch(glob, name, true));
}

/**
 * Whether the baseline lets the principal carry a managed policy: it lists it under `managedPolicies`, or the
 * policy's `attachTo` names it. Attaching such a policy is silent; its later versions are still judged.
 */
export function mayCarry(
  baseline: Baseline,
  found: PrincipalEntry,
  name: string,
  policyArn: string,
): boolean {
  if (found.entry.managedPolicies.some((ref) => ref.matches(policyArn))) return true;
  const declared = declaredPolicy(baseline, policyArn);
  return declared !== undefined && attachToAllows(declared, found.kind, name);
}

/** The declared customer-managed policies a principal may carry. */
function carriedPolicies(baseline: Baseline, found: PrincipalEntry, name: string): PolicyBaseline[] {
  return [...baseline.policies.values()].filter(
    (policy) =>
      attachToAllows(policy, found.kind, name) ||
      found.entry.managedPolicies.some(
        (ref) => !ref.awsManaged && (ref.text === policy.name || policyNameOf(ref.text) === policy.name),
      ),
  );
}

/** The baseline groups a user may join (`groups` globs over the groups the baseline declares). */
export function joinableGroups(baseline: Baseline, user: ApprovedUser): GroupBaseline[] {
  return [...baseline.groups.values()].filter((group) =>
    user.groups.some((glob) => globMatch(glob, group.name, true)),
  );
}

/** Whether an approved user may join a group (by name, whether or not the baseline declares the group). */
export function mayJoin(user: ApprovedUser, groupName: string): boolean {
  return user.groups.some((glob) => globMatch(glob, groupName, true));
}

/** The AWS managed policies whose documents a principal's whole envelope holds. */
function awsManagedOf(baseline: Baseline, found: PrincipalEntry): string[] {
  const own = found.entry.managedPolicies.filter((ref) => ref.awsManaged).map((ref) => ref.text);
  const groups =
    found.kind === 'user'
      ? joinableGroups(baseline, found.entry).flatMap((group) =>
          group.managedPolicies.filter((ref) => ref.awsManaged).map((ref) => ref.text),
        )
      : [];
  return [...new Set([...own, ...groups])];
}

/** What the Lambda must read for a principal's whole envelope: the AWS managed documents in it. */
export function envelopeFacts(baseline: Baseline, found: PrincipalLookup): FactRequest[] {
  if (!found || found.kind === 'ephemeral') return [];
  return awsManagedOf(baseline, found).map((policyArn) => ({ kind: 'managedPolicy', policyArn }));
}

export interface WholeEnvelope {
  /** Where the baseline describes the principal, e.g. `roles.XploreEC2Role`. */
  readonly baselinePath: string;
  readonly statements: readonly NormalizedStatement[];
  /** What could not be included (an AWS managed document guardrail could not read), said in findings. */
  readonly notes: readonly string[];
}

const parsedDocuments = new BoundedCache<string, PolicyDocument | string>(CACHE_LIMITS.analyses);

/** A policy document's JSON text, parsed once; a document that does not parse gives the reason instead. */
export function parseKnownDocument(text: string, where: string): PolicyDocument | string {
  return parsedDocuments.getOrSet(`${where}\u0000${text}`, () => {
    try {
      return parsePolicyDocument(text, where);
    } catch (error) {
      if (error instanceof PolicyParseError) return error.message;
      throw error;
    }
  });
}

/** Statements with their place in the whole envelope as their path, so explanations name where they come from. */
function placed(statements: readonly NormalizedStatement[], prefix: string): NormalizedStatement[] {
  return statements.map((statement) => ({ ...statement, path: `${prefix} ${statement.path}` }));
}

/** The whole envelopes built so far, per baseline (same principal and AWS managed versions: same array). */
const built = new WeakMap<Baseline, BoundedCache<string, WholeEnvelope>>();

function cacheOf(baseline: Baseline): BoundedCache<string, WholeEnvelope> {
  let cache = built.get(baseline);
  if (!cache) {
    cache = new BoundedCache(CACHE_LIMITS.analyses);
    built.set(baseline, cache);
  }
  return cache;
}

export function wholeEnvelope(
  baseline: Baseline,
  found: PrincipalEntry,
  name: string,
  knowledge: Knowledge,
  at: string,
): WholeEnvelope {
  const managed = awsManagedOf(baseline, found).map((policyArn) => ({
    policyArn,
    answer: knowledge.managedPolicy(policyArn, at),
  }));
  const key = [
    found.kind,
    found.entry.path,
    name,
    ...managed.map(({ policyArn, answer }) =>
      answer.known ? `${policyArn}@${answer.value.versionId}` : `${policyArn}@?`,
    ),
  ].join('\u0000');
  return cacheOf(baseline).getOrSet(key, () => {
    const notes: string[] = [];
    const statements: NormalizedStatement[] = [...found.entry.statements];
    const principals: {
      readonly entry: PrincipalBaseline;
      readonly kind: PrincipalKind;
      readonly name: string;
    }[] = [{ entry: found.entry, kind: found.kind, name }];
    if (found.kind === 'user') {
      for (const group of joinableGroups(baseline, found.entry)) {
        statements.push(...group.statements);
        principals.push({ entry: group, kind: 'group', name: group.name });
      }
    }
    const policies = new Set<PolicyBaseline>();
    for (const principal of principals) {
      const entry = { kind: principal.kind, entry: principal.entry } as PrincipalEntry;
      for (const policy of carriedPolicies(baseline, entry, principal.name)) policies.add(policy);
    }
    for (const policy of policies) statements.push(...policy.statements);
    for (const { policyArn, answer } of managed) {
      if (!answer.known) {
        notes.push(`${policyArn} is not part of the envelope: ${answer.why}`);
        continue;
      }
      const document = parseKnownDocument(answer.value.document, `${policyArn} ${answer.value.versionId}`);
      if (typeof document === 'string') {
        notes.push(`${policyArn} is not part of the envelope: ${document}`);
        continue;
      }
      statements.push(...placed(document.statements, `${policyArn} (${answer.value.versionId})`));
    }
    for (const ref of found.entry.managedPolicies) {
      if (!ref.awsManaged && ![...policies].some((p) => p.name === policyNameOf(ref.text))) {
        notes.push(
          `${ref.text} may be attached, but the baseline declares no envelope for it under policies: its versions are judged against the rest of the envelope`,
        );
      }
    }
    return { baselinePath: found.entry.path, statements, notes };
  });
}

/** The envelope of a customer-managed policy the baseline declares: its versions must stay within it. */
export function policyEnvelope(policy: PolicyBaseline): WholeEnvelope {
  return { baselinePath: policy.path, statements: policy.statements, notes: [] };
}
