/**
 * The shared vocabulary of guardrail: CloudTrail records as the engine sees them, findings, rules and
 * remediations. Everything here is data; no module in src/core imports an AWS client.
 */

export const Severity = {
  info: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Lowest first: index order is rank order. */
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** Rule ids are a public contract (notification filters, suppressions, saved reports): never rename one. */
export const RuleId = {
  userEphemeral: 'iam.user.ephemeral',
  userUnexpected: 'iam.user.unexpected',
  userOrphaned: 'iam.user.orphaned',
  accessKeyLongLived: 'iam.accesskey.long-lived',
  accessKeyStale: 'iam.accesskey.stale',
  policyDrift: 'iam.policy.drift',
  policyWildcard: 'iam.policy.wildcard',
  policyPrivesc: 'iam.policy.privesc',
  policyNoBaseline: 'iam.policy.no-baseline',
  policyUnknownDocument: 'iam.policy.unknown-document',
  policyNeverGrant: 'iam.policy.never-grant',
  userConsoleAccess: 'iam.user.console-access',
  roleTrust: 'iam.role.trust',
  roleUnexpected: 'iam.role.unexpected',
  boundaryRemoved: 'iam.boundary.removed',
  imdsV1Allowed: 'ec2.imds.v1-allowed',
  imdsHopLimit: 'ec2.imds.hop-limit',
  imdsAccountDefault: 'ec2.imds.account-default',
  loggingImpaired: 'cloudtrail.logging-impaired',
  guardrailTamper: 'guardrail.tamper',
} as const;
export type RuleId = (typeof RuleId)[keyof typeof RuleId];
export const RULE_IDS: readonly RuleId[] = Object.values(RuleId);

export const RemediationAction = {
  tagEphemeral: 'tag-ephemeral',
  tagOrphaned: 'tag-orphaned',
  enforceImdsV2: 'enforce-imdsv2',
  restoreLogging: 'restore-logging',
} as const;
export type RemediationAction = (typeof RemediationAction)[keyof typeof RemediationAction];

export const RemediationMode = { dryRun: 'dry-run', enforce: 'enforce' } as const;
export type RemediationMode = (typeof RemediationMode)[keyof typeof RemediationMode];

/**
 * `proposed`: the engine's verdict, nothing done yet (what `guardrail evaluate` and replay print).
 * The actions layer turns it into one of the outcomes.
 */
export const RemediationStatus = {
  proposed: 'proposed',
  applied: 'applied',
  alreadyCompliant: 'already-compliant',
  dryRun: 'dry-run',
  failed: 'failed',
} as const;
export type RemediationStatus = (typeof RemediationStatus)[keyof typeof RemediationStatus];

export interface TagParams {
  readonly userName: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One instance `enforce-imdsv2` acts on, with what the baseline allows it (its IMDS profile, else the account).
 * The action reads the instance first and never raises its hop limit: it keeps the current one when within
 * `maxHopLimit` and lowers it to `maxHopLimit` only when above (src/actions/imdsChange.ts).
 */
export interface ImdsTarget {
  readonly instanceId: string;
  /** `keep`: its profile allows IMDSv1 (a documented exception), so only the hop limit is corrected. */
  readonly httpTokens: 'required' | 'keep';
  readonly maxHopLimit: number;
  /** What the event recorded, so the action can say when the instance has changed since. */
  readonly seen?: { readonly httpTokens?: string; readonly hopLimit?: number };
}

/** Every instance of one event in one region (a RunInstances may launch several). */
export interface ImdsParams {
  readonly region: string;
  readonly instances: readonly ImdsTarget[];
}

/** A trail to start logging again (restore-logging), in its home region, where StartLogging must be called. */
export interface TrailParams {
  readonly trailArn: string;
  readonly trailName: string;
  readonly region: string;
}

export type Remediation =
  | RemediationBase<typeof RemediationAction.tagEphemeral, TagParams>
  | RemediationBase<typeof RemediationAction.tagOrphaned, TagParams>
  | RemediationBase<typeof RemediationAction.enforceImdsV2, ImdsParams>
  | RemediationBase<typeof RemediationAction.restoreLogging, TrailParams>;

interface RemediationBase<A extends RemediationAction, P> {
  readonly action: A;
  readonly mode: RemediationMode;
  readonly status: RemediationStatus;
  readonly params: P;
  /**
   * Set when status is `failed` (the error's one-line message, never a stack, never a secret), or on a
   * `dry-run` whose permission probe says the real call would be denied.
   */
  readonly error?: string;
  /** What the action saw or did, one line for people: `HttpTokens optional → required, hop limit 3 → 2`. */
  readonly note?: string;
}

/**
 * One shape for the CLI, the handlers, notifications and reports. A finding explains itself (title, why it
 * matters, what to do), so whatever renders it needs nothing but the finding.
 */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  readonly title: string;
  /** Why this matters, in one or two sentences a person on call can act on (the rule's rationale). */
  readonly rationale: string;
  /** What to do next, most useful first. */
  readonly nextSteps: readonly string[];
  readonly summary: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
  readonly account: string;
  readonly region: string;
  /** ARN of the principal that made the call (for an assumed role: the session ARN). */
  readonly actor: string;
  readonly sourceIp: string;
  /** ARN when it can be built from the event, otherwise the id (instance id, user name). */
  readonly resource: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly remediation: Remediation | null;
}

export interface UserIdentity {
  readonly type?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly userName?: string;
  readonly principalId?: string;
  readonly invokedBy?: string;
  readonly sessionContext?: {
    readonly sessionIssuer?: {
      readonly type?: string;
      readonly arn?: string;
      readonly userName?: string;
      readonly accountId?: string;
    };
  };
}

/** A CloudTrail record after boundary validation: the fields guardrail relies on are present and typed. */
export interface CloudTrailRecord {
  readonly eventID: string;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly userIdentity: UserIdentity;
  readonly requestParameters: Readonly<Record<string, unknown>> | null;
  readonly responseElements: Readonly<Record<string, unknown>> | null;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly recipientAccountId?: string;
}

/** Why a record produced no evaluation. Expected, not an error: listed in output, never thrown. */
export interface Skip {
  readonly eventId: string;
  readonly eventName?: string;
  readonly reason: string;
}
