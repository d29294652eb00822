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

const accountId = z.string().check(z.regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' }));

const policyArn = z.string().check(
  z.regex(/^arn:aws[\w-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]{1,512}$/, {
    error: 'expected a policy ARN (arn:aws:iam::aws:policy/NAME or arn:aws:iam::123456789012:policy/NAME)',
  }),
);

/** A managed policy a principal may carry: an ARN (AWS managed or customer-managed) or a customer-managed policy's name. */
const managedPolicyRef = z.union(
  [policyArn, z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, { error: 'expected a policy name' }))],
  { error: 'expected a policy ARN or a customer-managed policy name' },
);

/**
 * The statements of an envelope: the most a principal or policy may ever grant (Allow, and Deny to carve out).
 * An empty list is a mistake more often than a meaning: a principal that may be granted nothing omits the key.
 */
const statements = z
  .array(StatementSchema)
  .check(z.minLength(1, { error: 'expected at least one statement' }));

/** Who may assume a role (iam.role.trust). Anything its trust policy allows beyond this is reported. */
export const TrustSchema = z.strictObject({
  /** Service principals, e.g. ec2.amazonaws.com. */
  services: z._default(z.array(nonEmpty), []),
  /** Accounts whose principals may assume it (their root or any principal in them). */
  accounts: z._default(z.array(accountId), []),
  /** Principal ARN globs (roles, users, sessions). */
  principals: z._default(z.array(nonEmpty), []),
  /** Identity providers (SAML or OIDC provider ARNs or names, e.g. cognito-identity.amazonaws.com). */
  federated: z._default(z.array(nonEmpty), []),
  /** `required`: every statement trusting another account must require sts:ExternalId. */
  externalId: z._default(z.enum(['required', 'optional']), 'optional'),
});

export const ApprovedUserSchema = z
  .strictObject({
    ...NameMatcherFields,
    description: z.optional(z.string()),
    /** `allowed`: this user is meant to hold access keys (a service user); key creation is then low severity. */
    accessKeys: z._default(z.enum(['allowed', 'forbidden']), 'forbidden'),
    /** false: programmatic only; a console password is iam.user.console-access. */
    console: z._default(z.boolean(), true),
    /** ARN globs of the principals besides the user itself that may create its access keys. */
    keyManagers: z.optional(z.array(nonEmpty)),
    /** The user's envelope, like a role's. */
    permissions: z.optional(statements),
    managedPolicies: z.optional(z.array(managedPolicyRef)),
    /** Group-name globs it may join. */
    groups: z.optional(z.array(nonEmpty)),
    /** The permissions boundary it must keep. */
    boundary: z.optional(policyArn),
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

/** A role name, or a name pattern with * and ? (seed 004's old per-run roles): IAM names never hold either. */
const roleName = z.string().check(
  z.regex(/^[\w+=,.@*?-]{1,64}$/, {
    error: 'expected an IAM role name (1-64 of letters, digits and +=,.@_-) or a name pattern with * and ?',
  }),
);

export const RoleSchema = z.strictObject({
  description: z.optional(z.string()),
  /** The role's envelope: the most it may ever be granted, as IAM statements (Allow, and Deny to carve out). */
  permissions: z.optional(statements),
  /** Managed policies it may carry: attaching one is silent; its later versions are still judged. */
  managedPolicies: z.optional(z.array(managedPolicyRef)),
  trust: z.optional(TrustSchema),
  /** The permissions boundary it must keep (iam.boundary.removed). */
  boundary: z.optional(policyArn),
});

export const GroupSchema = z.strictObject({
  description: z.optional(z.string()),
  permissions: z.optional(statements),
  managedPolicies: z.optional(z.array(managedPolicyRef)),
});

/** A customer-managed policy: its envelope (a version granting more is drift) and who may carry it. */
export const PolicySchema = z.strictObject({
  description: z.optional(z.string()),
  permissions: statements,
  attachTo: z.optional(
    z.strictObject({
      roles: z.optional(z.array(nonEmpty)),
      users: z.optional(z.array(nonEmpty)),
      groups: z.optional(z.array(nonEmpty)),
    }),
  ),
});

/** A statement no principal may ever be allowed (iam.policy.never-grant). */
export const NeverGrantSchema = z.strictObject({
  ...StatementSchema.def.shape,
  Effect: z.literal('Allow', {
    error: 'expected "Allow": a never-grant statement names access nobody may be allowed',
  }),
});

export const TrailSchema = z.strictObject({
  /** The trail's name or ARN. */
  name: nonEmpty,
  /** The bucket it must deliver to: moving it elsewhere is cloudtrail.logging-impaired. */
  bucket: z.optional(nonEmpty),
});

const hopLimit = z.int().check(z.gte(1), z.lte(64));
const instanceId = z
  .string()
  .check(z.regex(/^i-[0-9a-f]{8,17}$/, { error: 'expected an instance id (i-...)' }));

/** IMDS requirements for some instances (seed 002's containers need hop limit 2). First match wins. */
export const ImdsProfileSchema = z.strictObject({
  name: nonEmpty,
  description: z.optional(z.string()),
  match: z
    .strictObject({
      /** Every tag here must be on the instance with this value. */
      tags: z.optional(z.record(nonEmpty, z.string())),
      instanceIds: z.optional(z.array(instanceId)),
    })
    .check(
      z.refine((m) => m.tags !== undefined || m.instanceIds !== undefined, {
        error: 'expected tags or instanceIds',
      }),
    ),
  /** `optional` documents an exception that may keep IMDSv1. */
  httpTokens: z._default(z.enum(['required', 'optional']), 'required'),
  maxHopLimit: hopLimit,
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
    /** This baseline's own accounts: trust to any other account is foreign. Empty: the event's own account. */
    accounts: z._default(z.array(accountId), []),
    guardrail: z._default(
      z.strictObject({
        /** Role-name globs of the guardrail's own roles: their enforce-imdsv2 calls are skipped (loop prevention). */
        ownRoles: z._default(z.array(nonEmpty), []),
        /** ARN globs of the principals that may change the guardrail's own stack (guardrail.tamper). */
        deployers: z._default(z.array(nonEmpty), []),
        /** The name prefix of the guardrail's own resources (rules, functions, topic, table, queues). */
        resourcePrefix: z._default(nonEmpty, 'guardrail'),
      }),
      { ownRoles: [], deployers: [], resourcePrefix: 'guardrail' },
    ),
    roles: z._default(z.record(roleName, RoleSchema), {}),
    groups: z._default(
      z.record(
        z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, { error: 'expected an IAM group name' })),
        GroupSchema,
      ),
      {},
    ),
    policies: z._default(
      z.record(
        z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, { error: 'expected an IAM policy name' })),
        PolicySchema,
      ),
      {},
    ),
    neverGrant: z._default(z.array(NeverGrantSchema), []),
    trails: z._default(z.array(TrailSchema), []),
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
          /** Kept for compatibility: enforce-imdsv2 never raises a hop limit, it lowers one above the maximum. */
          hopLimit: z._default(z.int().check(z.gte(1), z.lte(64)), 1),
          profiles: z._default(z.array(ImdsProfileSchema), []),
        })
        .check(
          z.refine((imds) => imds.hopLimit <= imds.maxHopLimit, {
            error: 'hopLimit must not exceed maxHopLimit',
            path: ['hopLimit'],
          }),
        ),
      { httpTokens: 'required', maxHopLimit: 1, hopLimit: 1, profiles: [] },
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
