/**
 * The baseline file's schema. Every object is strict: an unknown key (a typo like `enfroce`) is an error
 * naming its path, never a silently ignored setting.
 */
import * as z from 'zod/mini';
import { RULE_IDS, SEVERITY_ORDER } from '../core/types.ts';

const nonEmpty = z.string().check(z.minLength(1, { error: 'expected a non-empty string' }));

const stringOrList = z.union([nonEmpty, z.array(nonEmpty).check(z.minLength(1))], {
  error: 'expected a string or a non-empty list of strings',
});

/** An IAM policy statement, as pasted from a policy document. Deep checks happen in src/policy/parse.ts. */
export const StatementSchema = z.strictObject({
  Sid: z.optional(z.string()),
  Effect: z.enum(['Allow', 'Deny'], { error: 'expected "Allow" or "Deny"' }),
  Action: z.optional(stringOrList),
  NotAction: z.optional(stringOrList),
  Resource: z.optional(stringOrList),
  NotResource: z.optional(stringOrList),
  Condition: z.optional(z.record(z.string(), z.record(z.string(), z.unknown()))),
});

const durationPattern = /^(\d+)\s*(m|h|d)$/;
/** `30m`, `24h`, `7d`. */
export const DurationSchema = z
  .string()
  .check(z.regex(durationPattern, { error: 'expected a duration like 30m, 24h or 7d' }));

export function durationMs(text: string): number {
  const match = durationPattern.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Who a user-name rule applies to: a glob (`chatbot-dev-*`) or a regular expression (anchored for you). */
const NameMatcherFields = {
  name: z.optional(nonEmpty),
  regex: z.optional(
    nonEmpty.check(
      z.refine(
        (source) => {
          try {
            new RegExp(source, 'u');
            return true;
          } catch {
            return false;
          }
        },
        { error: 'not a valid regular expression' },
      ),
    ),
  ),
};

function exactlyOneMatcher(value: { name?: string | undefined; regex?: string | undefined }): boolean {
  return (value.name === undefined) !== (value.regex === undefined);
}
const matcherError = { error: 'expected exactly one of name (a glob) or regex' };

export const ApprovedUserSchema = z
  .strictObject({
    ...NameMatcherFields,
    description: z.optional(z.string()),
    /** `allowed`: this user is meant to hold access keys (a service user); key creation is then low severity. */
    accessKeys: z._default(z.enum(['allowed', 'forbidden']), 'forbidden'),
  })
  .check(z.refine(exactlyOneMatcher, matcherError));

export const EphemeralUserSchema = z
  .strictObject({
    ...NameMatcherFields,
    description: z.optional(z.string()),
    ttl: DurationSchema,
    /** ARN globs of the principals allowed to create such users; others' creations are unexpected. */
    creators: z.optional(z.array(nonEmpty)),
  })
  .check(z.refine(exactlyOneMatcher, matcherError));

const roleName = z.string().check(
  z.regex(/^[\w+=,.@-]{1,64}$/, {
    error: 'expected an IAM role name (1-64 of letters, digits and +=,.@_-)',
  }),
);

export const RoleSchema = z.strictObject({
  description: z.optional(z.string()),
  /** The role's envelope: the most it may ever be granted, as IAM statements (Allow, and Deny to carve out). */
  permissions: z.array(StatementSchema).check(z.minLength(1, { error: 'expected at least one statement' })),
});

const severity = z.enum(SEVERITY_ORDER as [string, ...string[]], {
  error: `expected one of ${SEVERITY_ORDER.join(', ')}`,
});

export const RuleSettingsSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** `enforce` lets the rule's remediation change the account; anything else is a dry run. */
  mode: z._default(z.enum(['dry-run', 'enforce']), 'dry-run'),
  severity: z.optional(severity),
});

export const SuppressionSchema = z.strictObject({
  rule: z.enum(RULE_IDS as [string, ...string[]], { error: `expected a rule id (${RULE_IDS.join(', ')})` }),
  /** Glob over the finding's resource (ARN or id). */
  resource: nonEmpty,
  reason: nonEmpty,
  /** ISO date or time; the suppression covers events before it. */
  expires: z.optional(z.union([z.iso.datetime({ offset: true }), z.iso.date()])),
});

export const BaselineSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'expected version: 1' }),
    description: z.optional(z.string()),
    guardrail: z._default(
      z.strictObject({
        /** Role-name globs of the guardrail's own roles: their events are skipped (loop prevention). */
        ownRoles: z._default(z.array(nonEmpty), []),
      }),
      { ownRoles: [] },
    ),
    roles: z._default(z.record(roleName, RoleSchema), {}),
    users: z._default(
      z.strictObject({
        approved: z._default(z.array(ApprovedUserSchema), []),
        ephemeral: z._default(z.array(EphemeralUserSchema), []),
      }),
      { approved: [], ephemeral: [] },
    ),
    accessKeys: z._default(
      z.strictObject({
        rotationDays: z._default(z.int().check(z.positive()), 90),
      }),
      { rotationDays: 90 },
    ),
    orphans: z._default(
      z.strictObject({
        /** A user whose keys and password went unused this long is orphaned (scheduled sweep). */
        unusedDays: z._default(z.int().check(z.positive()), 30),
      }),
      { unusedDays: 30 },
    ),
    imds: z._default(
      z
        .strictObject({
          httpTokens: z._default(z.literal('required'), 'required'),
          /** ec2.imds.hop-limit fires above this. */
          maxHopLimit: z._default(z.int().check(z.gte(1), z.lte(64)), 1),
          /** What enforce-imdsv2 sets; containers on the host need 2 (seed 002). */
          hopLimit: z._default(z.int().check(z.gte(1), z.lte(64)), 1),
        })
        .check(
          z.refine((imds) => imds.hopLimit <= imds.maxHopLimit, {
            error: 'hopLimit must not exceed maxHopLimit',
            path: ['hopLimit'],
          }),
        ),
      { httpTokens: 'required', maxHopLimit: 1, hopLimit: 1 },
    ),
    rules: z._default(z.partialRecord(z.enum(RULE_IDS as [string, ...string[]]), RuleSettingsSchema), {}),
    suppressions: z._default(z.array(SuppressionSchema), []),
    notify: z._default(
      z.strictObject({
        minSeverity: z._default(severity, 'low'),
      }),
      { minSeverity: 'low' },
    ),
  },
  { error: 'expected a mapping of baseline settings' },
);

export type BaselineInput = z.input<typeof BaselineSchema>;
export type BaselineFile = z.output<typeof BaselineSchema>;
