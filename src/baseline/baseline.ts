/**
 * The compiled baseline the engine sees: validated, defaults applied, matchers and policy statements
 * prepared once. Building one never touches AWS or the clock.
 */
import type { RemediationMode, RuleId, Severity } from '../core/types.ts';
import { RULE_IDS } from '../core/types.ts';
import { globMatch } from '../policy/glob.ts';
import type { NormalizedStatement } from '../policy/parse.ts';
import { normalizeStatement } from '../policy/parse.ts';
import type { BaselineFile } from './schema.ts';
import { durationMs } from './schema.ts';

export interface NameMatcher {
  /** How the baseline wrote it, for explanations: `name chatbot-dev-*` or `regex ^temp...$`. */
  readonly describe: string;
  /** Where in the baseline it is, e.g. `users.ephemeral[0]`. */
  readonly path: string;
  test(userName: string): boolean;
}

export interface ApprovedUser {
  readonly matcher: NameMatcher;
  readonly description?: string;
  readonly accessKeysAllowed: boolean;
}

export interface EphemeralUser {
  readonly matcher: NameMatcher;
  readonly description?: string;
  readonly ttl: string;
  readonly ttlMs: number;
  /** ARN globs of the principals expected to create these users; null: anyone. */
  readonly creators: readonly string[] | null;
}

export interface RoleBaseline {
  readonly name: string;
  readonly description?: string;
  readonly statements: readonly NormalizedStatement[];
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
  readonly ownRoles: readonly string[];
  readonly roles: ReadonlyMap<string, RoleBaseline>;
  readonly approvedUsers: readonly ApprovedUser[];
  readonly ephemeralUsers: readonly EphemeralUser[];
  readonly rotationDays: number;
  readonly unusedDays: number;
  readonly imds: { readonly httpTokens: 'required'; readonly maxHopLimit: number; readonly hopLimit: number };
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
  return { describe: `name ${glob}`, path, test: (userName) => globMatch(glob, userName, true) };
}

/** Turns a schema-valid file into the engine's Baseline. Statement errors name the baseline path. */
export function compileBaseline(
  file: BaselineFile,
  source: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): Baseline {
  const roles = new Map<string, RoleBaseline>();
  for (const [name, role] of Object.entries(file.roles)) {
    const statements = role.permissions.map((statement, index) => {
      const line = lineOf(['roles', name, 'permissions', index]);
      return normalizeStatement(
        statement,
        line ? `${source}:${line}` : source,
        `roles.${name}.permissions[${index}]`,
      );
    });
    roles.set(name, { name, ...(role.description ? { description: role.description } : {}), statements });
  }
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

  return {
    source,
    ownRoles: file.guardrail.ownRoles,
    roles,
    approvedUsers: file.users.approved.map((user, index) => ({
      matcher: nameMatcher(user, `users.approved[${index}]`),
      ...(user.description ? { description: user.description } : {}),
      accessKeysAllowed: user.accessKeys === 'allowed',
    })),
    ephemeralUsers: file.users.ephemeral.map((user, index) => ({
      matcher: nameMatcher(user, `users.ephemeral[${index}]`),
      ...(user.description ? { description: user.description } : {}),
      ttl: user.ttl,
      ttlMs: durationMs(user.ttl),
      creators: user.creators ?? null,
    })),
    rotationDays: file.accessKeys.rotationDays,
    unusedDays: file.orphans.unusedDays,
    imds: file.imds,
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

/** Whether a role name belongs to the guardrail itself (its own calls must not trigger it). */
export function isOwnRole(baseline: Baseline, roleName: string): boolean {
  return baseline.ownRoles.some((glob) => globMatch(glob, roleName));
}
