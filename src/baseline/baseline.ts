/**
 * The compiled baseline the engine sees: validated, defaults applied, matchers and policy statements
 * prepared once. Building one never touches AWS or the clock.
 */
import type { BaselineIssue } from '../core/errors.ts';
import { BaselineError, PolicyParseError } from '../core/errors.ts';
import type { CloudTrailRecord, RemediationMode, RuleId, Severity } from '../core/types.ts';
import { RULE_IDS } from '../core/types.ts';
import { globMatch, hasWildcard } from '../policy/glob.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { normalizeStatement } from '../policy/parse.ts';
import type { BaselineFile } from './schema.ts';
import { durationMs } from './schema.ts';

export interface NameMatcher {
  /** How the baseline wrote it, for explanations: `name chatbot-dev-*` or `regex ^temp...$`. */
  readonly describe: string;
  /** Where in the baseline it is, e.g. `users.ephemeral[0]`. */
  readonly path: string;
  /** The lower-cased name when it is a plain name (no wildcard, no regex): lookups index by it. */
  readonly exact?: string;
  test(userName: string): boolean;
}

/** A managed policy a principal may carry, as the baseline wrote it (an ARN, or a customer-managed name). */
export interface ManagedPolicyRef {
  readonly text: string;
  /** AWS managed (`arn:aws:iam::aws:policy/...`). */
  readonly awsManaged: boolean;
  /** Whether a policy ARN is this one (a name matches a customer-managed policy of that name, any path). */
  matches(policyArn: string): boolean;
}

/** What every principal kind of the baseline shares: its envelope and what it may carry. */
export interface PrincipalBaseline {
  /** Where in the baseline it is, e.g. `roles.XploreEC2Role`. */
  readonly path: string;
  readonly description?: string;
  /** Its own envelope statements (without the policies it may carry). */
  readonly statements: readonly NormalizedStatement[];
  readonly managedPolicies: readonly ManagedPolicyRef[];
  /** The permissions boundary it must keep. */
  readonly boundary?: string;
}

export interface ApprovedUser extends PrincipalBaseline {
  readonly matcher: NameMatcher;
  readonly accessKeysAllowed: boolean;
  /** false: programmatic only (iam.user.console-access). */
  readonly console: boolean;
  /** ARN globs of the principals besides the user itself that may create its access keys; null: nobody else. */
  readonly keyManagers: readonly string[] | null;
  /** Group-name globs it may join. */
  readonly groups: readonly string[];
}

export interface EphemeralUser {
  readonly matcher: NameMatcher;
  readonly description?: string;
  readonly ttl: string;
  readonly ttlMs: number;
  /** ARN globs of the principals expected to create these users; null: anyone. */
  readonly creators: readonly string[] | null;
}

export interface TrustBaseline {
  readonly services: readonly string[];
  readonly accounts: readonly string[];
  readonly principals: readonly string[];
  readonly federated: readonly string[];
  readonly externalId: 'required' | 'optional';
}

export interface RoleBaseline extends PrincipalBaseline {
  /** The role's name, or its name pattern (`pattern` true) as the baseline wrote it. */
  readonly name: string;
  readonly pattern: boolean;
  readonly trust?: TrustBaseline;
}

export interface GroupBaseline extends PrincipalBaseline {
  readonly name: string;
}

/** A customer-managed policy the baseline declares. */
export interface PolicyBaseline {
  readonly name: string;
  readonly path: string;
  readonly description?: string;
  /** Its envelope: a version granting more is drift. */
  readonly statements: readonly NormalizedStatement[];
  /** Name globs of who may carry it (besides the principals that list it in managedPolicies). */
  readonly attachTo: {
    readonly roles: readonly string[];
    readonly users: readonly string[];
    readonly groups: readonly string[];
  };
}

export interface TrailBaseline {
  readonly path: string;
  readonly name: string;
  readonly bucket?: string;
}

export interface ImdsProfile {
  readonly path: string;
  readonly name: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly instanceIds: readonly string[];
  readonly httpTokens: 'required' | 'optional';
  readonly maxHopLimit: number;
}

export interface RuleSettings {
  readonly enabled: boolean;
  readonly mode: RemediationMode;
  readonly severity?: Severity;
}

export interface Suppression {
  readonly path: string;
  readonly rule: RuleId;
  readonly resource: string;
  readonly reason: string;
  /** Epoch milliseconds; events at or after it are no longer suppressed. */
  readonly expiresAt?: number;
}

export interface Baseline {
  /** File name or label the baseline came from, used in messages. */
  readonly source: string;
  /** This baseline's own accounts; empty: the event's own account is the only one. */
  readonly accounts: readonly string[];
  readonly ownRoles: readonly string[];
  /** ARN globs of the principals that may change the guardrail's own stack. */
  readonly deployers: readonly string[];
  /** Name prefix of the guardrail's own resources. */
  readonly resourcePrefix: string;
  /** Roles by exact name; name patterns are in `rolePatterns` (use findRole). */
  readonly roles: ReadonlyMap<string, RoleBaseline>;
  readonly rolePatterns: readonly RoleBaseline[];
  readonly groups: ReadonlyMap<string, GroupBaseline>;
  readonly policies: ReadonlyMap<string, PolicyBaseline>;
  readonly neverGrant: readonly NormalizedStatement[];
  /** The trails that must keep logging; empty: every trail. */
  readonly trails: readonly TrailBaseline[];
  readonly approvedUsers: readonly ApprovedUser[];
  readonly ephemeralUsers: readonly EphemeralUser[];
  readonly rotationDays: number;
  readonly unusedDays: number;
  readonly imds: {
    readonly httpTokens: 'required';
    readonly maxHopLimit: number;
    readonly hopLimit: number;
    readonly profiles: readonly ImdsProfile[];
  };
  readonly rules: Readonly<Record<RuleId, RuleSettings>>;
  readonly suppressions: readonly Suppression[];
  readonly notify: { readonly minSeverity: Severity };
}

function nameMatcher(
  entry: { name?: string | undefined; regex?: string | undefined },
  path: string,
): NameMatcher {
  if (entry.regex !== undefined) {
    const re = new RegExp(`^(?:${entry.regex})$`, 'u');
    return { describe: `regex ${entry.regex}`, path, test: (userName) => re.test(userName) };
  }
  const glob = entry.name ?? '';
  // IAM user names are unique case-insensitively, so approval is too.
  if (!hasWildcard(glob)) {
    // A plain name (a snapshot writes thousands): compared without re-reading the pattern each time.
    const exact = glob.toLowerCase();
    return { describe: `name ${glob}`, path, exact, test: (userName) => userName.toLowerCase() === exact };
  }
  return { describe: `name ${glob}`, path, test: (userName) => globMatch(glob, userName, true) };
}

function managedPolicyRef(text: string): ManagedPolicyRef {
  const awsManaged = /^arn:aws[\w-]*:iam::aws:policy\//.test(text);
  if (text.startsWith('arn:')) return { text, awsManaged, matches: (arn) => arn === text };
  // A customer-managed policy by name: any account of the baseline, any path.
  return {
    text,
    awsManaged: false,
    matches: (arn) =>
      /^arn:aws[\w-]*:iam::\d{12}:policy\//.test(arn) && arn.slice(arn.lastIndexOf('/') + 1) === text,
  };
}

/** Turns a schema-valid file into the engine's Baseline. Statement errors name the baseline path. */
export function compileBaseline(
  file: BaselineFile,
  source: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): Baseline {
  // Every statement is checked before failing, so one run of `baseline validate` lists every problem.
  const problems: BaselineIssue[] = [];
  const statementsAt = (raw: readonly unknown[] | undefined, path: readonly (string | number)[]) =>
    (raw ?? []).flatMap((statement, index) => {
      const line = lineOf([...path, index]);
      const where = line ? `${source}:${line}` : source;
      try {
        return [normalizeStatement(statement, where, `${formatBaselinePath(path)}[${index}]`)];
      } catch (error) {
        if (!(error instanceof PolicyParseError)) throw error;
        // The message is `where: path: reason`.
        const [issuePath, ...reason] = error.message.slice(where.length + 2).split(': ');
        problems.push({ path: issuePath ?? '', message: reason.join(': '), ...(line ? { line } : {}) });
        return [];
      }
    });
  const principal = (
    entry: {
      description?: string | undefined;
      permissions?: readonly unknown[] | undefined;
      managedPolicies?: readonly string[] | undefined;
      boundary?: string | undefined;
    },
    path: readonly (string | number)[],
  ): PrincipalBaseline => ({
    path: formatBaselinePath(path),
    ...(entry.description ? { description: entry.description } : {}),
    statements: statementsAt(entry.permissions, [...path, 'permissions']),
    managedPolicies: (entry.managedPolicies ?? []).map(managedPolicyRef),
    ...(entry.boundary ? { boundary: entry.boundary } : {}),
  });

  const roles = new Map<string, RoleBaseline>();
  const rolePatterns: RoleBaseline[] = [];
  for (const [name, role] of Object.entries(file.roles)) {
    const pattern = /[*?]/.test(name);
    const compiled: RoleBaseline = {
      name,
      pattern,
      ...principal(role, ['roles', name]),
      ...(role.trust ? { trust: role.trust } : {}),
    };
    if (pattern) rolePatterns.push(compiled);
    else roles.set(name, compiled);
  }
  const groups = new Map<string, GroupBaseline>(
    Object.entries(file.groups).map(([name, group]) => [
      name,
      { name, ...principal(group, ['groups', name]) },
    ]),
  );
  const policies = new Map<string, PolicyBaseline>(
    Object.entries(file.policies).map(([name, policy]) => [
      name,
      {
        name,
        path: `policies.${name}`,
        ...(policy.description ? { description: policy.description } : {}),
        statements: statementsAt(policy.permissions, ['policies', name, 'permissions']),
        attachTo: {
          roles: policy.attachTo?.roles ?? [],
          users: policy.attachTo?.users ?? [],
          groups: policy.attachTo?.groups ?? [],
        },
      },
    ]),
  );
  const rules = Object.fromEntries(
    RULE_IDS.map((id) => {
      const settings = file.rules[id];
      const resolved: RuleSettings = {
        enabled: settings?.enabled ?? true,
        mode: settings?.mode ?? 'dry-run',
        ...(settings?.severity ? { severity: settings.severity as Severity } : {}),
      };
      return [id, resolved];
    }),
  ) as Record<RuleId, RuleSettings>;

  const neverGrant = statementsAt(file.neverGrant, ['neverGrant']);
  const approvedUsers: ApprovedUser[] = file.users.approved.map((user, index) => ({
    matcher: nameMatcher(user, `users.approved[${index}]`),
    ...principal(user, ['users', 'approved', index]),
    accessKeysAllowed: user.accessKeys === 'allowed',
    console: user.console,
    keyManagers: user.keyManagers ?? null,
    groups: user.groups ?? [],
  }));
  const first = problems[0];
  if (first) {
    const more =
      problems.length > 1 ? ` (${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new BaselineError(
      `${source}${first.line ? `:${first.line}` : ''}: ${first.path}: ${first.message}${more}`,
      { issues: problems },
    );
  }
  return {
    source,
    accounts: file.accounts,
    ownRoles: file.guardrail.ownRoles,
    deployers: file.guardrail.deployers,
    resourcePrefix: file.guardrail.resourcePrefix,
    roles,
    rolePatterns,
    groups,
    policies,
    neverGrant,
    trails: file.trails.map((trail, index) => ({
      path: `trails[${index}]`,
      name: trail.name,
      ...(trail.bucket ? { bucket: trail.bucket } : {}),
    })),
    approvedUsers,
    ephemeralUsers: file.users.ephemeral.map((user, index) => ({
      matcher: nameMatcher(user, `users.ephemeral[${index}]`),
      ...(user.description ? { description: user.description } : {}),
      ttl: user.ttl,
      ttlMs: durationMs(user.ttl),
      creators: user.creators ?? null,
    })),
    rotationDays: file.accessKeys.rotationDays,
    unusedDays: file.orphans.unusedDays,
    imds: {
      ...file.imds,
      profiles: file.imds.profiles.map((profile, index) => ({
        path: `imds.profiles[${index}]`,
        name: profile.name,
        ...(profile.description ? { description: profile.description } : {}),
        tags: profile.match.tags ?? {},
        instanceIds: profile.match.instanceIds ?? [],
        httpTokens: profile.httpTokens,
        maxHopLimit: profile.maxHopLimit,
      })),
    },
    rules,
    suppressions: file.suppressions.map((s, index) => ({
      path: `suppressions[${index}]`,
      rule: s.rule as RuleId,
      resource: s.resource,
      reason: s.reason,
      ...(s.expires ? { expiresAt: Date.parse(s.expires) } : {}),
    })),
    notify: { minSeverity: file.notify.minSeverity as Severity },
  };
}

/** `roles.X.permissions`, `users.approved[0]`: a baseline path as messages print it. */
function formatBaselinePath(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

/** The baseline of a role: by its exact name, else by the first name pattern that matches it. */
export function findRole(baseline: Baseline, roleName: string): RoleBaseline | undefined {
  return baseline.roles.get(roleName) ?? baseline.rolePatterns.find((role) => globMatch(role.name, roleName));
}

interface ApprovedIndex {
  /** Plain names, lower-cased, to the position of their first entry. */
  readonly exact: ReadonlyMap<string, number>;
  /** Positions of the entries with a pattern or a regex, in file order. */
  readonly patterns: readonly number[];
}

const approvedIndexes = new WeakMap<readonly ApprovedUser[], ApprovedIndex>();

function approvedIndex(users: readonly ApprovedUser[]): ApprovedIndex {
  let index = approvedIndexes.get(users);
  if (!index) {
    const exact = new Map<string, number>();
    const patterns: number[] = [];
    users.forEach((user, i) => {
      const name = user.matcher.exact;
      if (name === undefined) patterns.push(i);
      else if (!exact.has(name)) exact.set(name, i);
    });
    index = { exact, patterns };
    approvedIndexes.set(users, index);
  }
  return index;
}

/**
 * The approved-user entry a user name matches, if any (first match wins). Plain names are looked up, not
 * scanned: a baseline written by `baseline snapshot` approves every user of the account by name.
 */
export function findApprovedUser(baseline: Baseline, userName: string): ApprovedUser | undefined {
  const users = baseline.approvedUsers;
  const index = approvedIndex(users);
  const named = index.exact.get(userName.toLowerCase()) ?? users.length;
  for (const i of index.patterns) {
    if (i > named) break;
    if (users[i]?.matcher.test(userName)) return users[i];
  }
  return users[named];
}

/** The principals a call is made as: the caller's ARN and, for a role session, the role's own ARN. */
function principalsOf(record: CloudTrailRecord): string[] {
  const identity = record.userIdentity;
  return [identity.arn, identity.sessionContext?.sessionIssuer?.arn].filter(
    (arn): arn is string => typeof arn === 'string' && arn !== '',
  );
}

/** Whether the baseline's `guardrail.deployers` names the caller (its session, or the role behind it). */
export function isDeployer(baseline: Baseline, record: CloudTrailRecord): boolean {
  const principals = principalsOf(record);
  return baseline.deployers.some((glob) => principals.some((arn) => globMatch(glob, arn)));
}

/** Whether a role name belongs to the guardrail itself (its own calls must not trigger it). */
export function isOwnRole(baseline: Baseline, roleName: string): boolean {
  return baseline.ownRoles.some((glob) => globMatch(glob, roleName));
}
