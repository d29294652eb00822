/**
 * The baseline file's schema. Every object is strict: an unknown key (a typo like `enfroce`) is an error
 * naming its path, never a silently ignored setting.
 */
import * as z from 'zod';
import { RULE_IDS, SEVERITY_ORDER } from '../core/types.ts';

const nonEmpty = z.string().min(1, { error: 'expected a non-empty string' });

const stringOrList = z.union([nonEmpty, z.array(nonEmpty).min(1)], {
  error: 'expected a string or a non-empty list of strings',
});

/** An IAM policy statement, as pasted from a policy document. Deep checks happen in src/policy/parse.ts. */
export const StatementSchema = z.strictObject({
  Sid: z.string().optional(),
  Effect: z.enum(['Allow', 'Deny'], { error: 'expected "Allow" or "Deny"' }),
  Action: stringOrList.optional(),
  NotAction: stringOrList.optional(),
  Resource: stringOrList.optional(),
  NotResource: stringOrList.optional(),
  Condition: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});

const durationPattern = /^(\d+)\s*(m|h|d)$/;
/** `30m`, `24h`, `7d`. */
export const DurationSchema = z
  .string()
  .regex(durationPattern, { error: 'expected a duration like 30m, 24h or 7d' });

export function durationMs(text: string): number {
  const match = durationPattern.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** Who a user-name rule applies to: a glob (`chatbot-dev-*`) or a regular expression (anchored for you). */
const NameMatcherFields = {
  name: nonEmpty.optional(),
  regex: nonEmpty
    .refine(
      (source) => {
        try {
          new RegExp(source, 'u');
          return true;
        } catch {
          return false;
        }
      },
      { error: 'not a valid regular expression' },
    )
    .optional(),
};

function exactlyOneMatcher(value: { name?: string | undefined; regex?: string | undefined }): boolean {
  return (value.name === undefined) !== (value.regex === undefined);
}
const matcherError = { error: 'expected exactly one of name (a glob) or regex' };

export const ApprovedUserSchema = z
  .strictObject({
    ...NameMatcherFields,
    description: z.string().optional(),
    /** `allowed`: this user is meant to hold access keys (a service user); key creation is then low severity. */
    accessKeys: z.enum(['allowed', 'forbidden']).default('forbidden'),
  })
  .refine(exactlyOneMatcher, matcherError);

export const EphemeralUserSchema = z
  .strictObject({
    ...NameMatcherFields,
    description: z.string().optional(),
    ttl: DurationSchema,
    /** ARN globs of the principals allowed to create such users; others' creations are unexpected. */
    creators: z.array(nonEmpty).optional(),
  })
  .refine(exactlyOneMatcher, matcherError);

const roleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, { error: 'expected an IAM role name (1-64 of letters, digits and +=,.@_-)' });

export const RoleSchema = z.strictObject({
  description: z.string().optional(),
  /** The role's envelope: the most it may ever be granted, as IAM statements (Allow, and Deny to carve out). */
  permissions: z.array(StatementSchema).min(1, { error: 'expected at least one statement' }),
});

const severity = z.enum(SEVERITY_ORDER as [string, ...string[]], {
  error: `expected one of ${SEVERITY_ORDER.join(', ')}`,
});

export const RuleSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** `enforce` lets the rule's remediation change the account; anything else is a dry run. */
  mode: z.enum(['dry-run', 'enforce']).default('dry-run'),
  severity: severity.optional(),
});

export const SuppressionSchema = z.strictObject({
  rule: z.enum(RULE_IDS as [string, ...string[]], { error: `expected a rule id (${RULE_IDS.join(', ')})` }),
  /** Glob over the finding's resource (ARN or id). */
  resource: nonEmpty,
  reason: nonEmpty,
  /** ISO date or time; the suppression covers events before it. */
  expires: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});

export const BaselineSchema = z.strictObject(
  {
    version: z.literal(1, { error: 'expected version: 1' }),
    description: z.string().optional(),
    guardrail: z
      .strictObject({
        /** Role-name globs of the guardrail's own roles: their events are skipped (loop prevention). */
        ownRoles: z.array(nonEmpty).default([]),
      })
      .default({ ownRoles: [] }),
    roles: z.record(roleName, RoleSchema).default({}),
    users: z
      .strictObject({
        approved: z.array(ApprovedUserSchema).default([]),
        ephemeral: z.array(EphemeralUserSchema).default([]),
      })
      .default({ approved: [], ephemeral: [] }),
    accessKeys: z
      .strictObject({
        rotationDays: z.int().positive().default(90),
      })
      .default({ rotationDays: 90 }),
    orphans: z
      .strictObject({
        /** A user whose keys and password went unused this long is orphaned (scheduled sweep). */
        unusedDays: z.int().positive().default(30),
      })
      .default({ unusedDays: 30 }),
    imds: z
      .strictObject({
        httpTokens: z.literal('required').default('required'),
        /** ec2.imds.hop-limit fires above this. */
        maxHopLimit: z.int().min(1).max(64).default(1),
        /** What enforce-imdsv2 sets; containers on the host need 2 (seed 002). */
        hopLimit: z.int().min(1).max(64).default(1),
      })
      .refine((imds) => imds.hopLimit <= imds.maxHopLimit, {
        error: 'hopLimit must not exceed maxHopLimit',
        path: ['hopLimit'],
      })
      .default({ httpTokens: 'required', maxHopLimit: 1, hopLimit: 1 }),
    rules: z.partialRecord(z.enum(RULE_IDS as [string, ...string[]]), RuleSettingsSchema).default({}),
    suppressions: z.array(SuppressionSchema).default([]),
    notify: z
      .strictObject({
        minSeverity: severity.default('low'),
      })
      .default({ minSeverity: 'low' }),
  },
  { error: 'expected a mapping of baseline settings' },
);

export type BaselineInput = z.input<typeof BaselineSchema>;
export type BaselineFile = z.output<typeof BaselineSchema>;
