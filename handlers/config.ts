/**
 * The functions' only reader of environment variables: every GUARDRAIL_* setting, and AWS_ENDPOINT_URL where a
 * function must know of it (the SDK itself reads AWS_REGION and AWS_ENDPOINT_URL, Powertools its POWERTOOLS_*).
 * Each helper returns a typed value or throws a ConfigError with one line naming the variable. Every variable
 * is documented in the README; test/unit/handlers/config.test.ts checks no other handler file reads one.
 */
import type { MemberAccess } from '../src/actions/member.ts';
import { ConfigError } from '../src/core/errors.ts';
import type { Severity } from '../src/core/types.ts';
import { SEVERITY_ORDER } from '../src/core/types.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export type BaselineSource =
  | { readonly kind: 'file'; readonly path: string; readonly label: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly label: string }
  | { readonly kind: 'ssm'; readonly name: string; readonly label: string };

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === '' ? undefined : raw;
}

export function requiredString(env: Env, name: string, what: string): string {
  const raw = value(env, name);
  if (raw === undefined) throw new ConfigError(`${name}: missing; set it to ${what}`);
  return raw;
}

export function optionalBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(raw)) return true;
  if (/^(false|0|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
}

export function optionalInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!/^\d+$/.test(raw) || parsed < min || parsed > max) {
    throw new ConfigError(
      `${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return parsed;
}

/** GUARDRAIL_BASELINE: a file path (bundled with the function), `s3://bucket/key` or `ssm:/parameter/name`. */
export function baselineSource(env: Env = process.env): BaselineSource {
  const raw = requiredString(
    env,
    'GUARDRAIL_BASELINE',
    'the baseline: a file path, s3://bucket/key or ssm:/parameter/name',
  );
  if (raw.startsWith('s3://')) {
    const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(raw);
    if (!match)
      throw new ConfigError(`GUARDRAIL_BASELINE: expected s3://bucket/key, got ${JSON.stringify(raw)}`);
    return { kind: 's3', bucket: match[1] as string, key: match[2] as string, label: raw };
  }
  if (raw.startsWith('ssm:')) {
    const name = raw.slice('ssm:'.length);
    if (!/^\/?[\w.\-/]{1,2048}$/.test(name) || name === '/') {
      throw new ConfigError(`GUARDRAIL_BASELINE: expected ssm:/parameter/name, got ${JSON.stringify(raw)}`);
    }
    return { kind: 'ssm', name, label: raw };
  }
  return { kind: 'file', path: raw, label: raw };
}

/** GUARDRAIL_BASELINE_CACHE_SECONDS: how long a warm function keeps the baseline before reading it again. */
export function baselineCacheSeconds(env: Env = process.env): number {
  return optionalInteger(env, 'GUARDRAIL_BASELINE_CACHE_SECONDS', 300, 0, 86_400);
}

/** GUARDRAIL_TOPIC_ARN: the SNS topic every notification is published to. */
export function topicArn(env: Env = process.env): string {
  const raw = requiredString(env, 'GUARDRAIL_TOPIC_ARN', 'the ARN of the SNS topic notifications go to');
  if (!/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/.test(raw)) {
    throw new ConfigError(`GUARDRAIL_TOPIC_ARN: expected an SNS topic ARN, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** GUARDRAIL_IDEMPOTENCY_TABLE: the DynamoDB table (partition key `id`, TTL on `expiration`). */
export function idempotencyTable(env: Env = process.env): string {
  const raw = requiredString(env, 'GUARDRAIL_IDEMPOTENCY_TABLE', 'the DynamoDB idempotency table name');
  if (!/^[\w.-]{3,255}$/.test(raw)) {
    throw new ConfigError(
      `GUARDRAIL_IDEMPOTENCY_TABLE: expected a DynamoDB table name, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/** GUARDRAIL_MIN_SEVERITY: overrides the baseline's notify.minSeverity when set. */
export function minSeverity(env: Env = process.env): Severity | undefined {
  const raw = value(env, 'GUARDRAIL_MIN_SEVERITY');
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  if (!(SEVERITY_ORDER as readonly string[]).includes(lower)) {
    throw new ConfigError(
      `GUARDRAIL_MIN_SEVERITY: expected one of ${SEVERITY_ORDER.join(', ')}, got ${JSON.stringify(raw)}`,
    );
  }
  return lower as Severity;
}

/** GUARDRAIL_FORCE_DRY_RUN: every remediation is a dry run whatever the baseline says (default false). */
export function forceDryRun(env: Env = process.env): boolean {
  return optionalBoolean(env, 'GUARDRAIL_FORCE_DRY_RUN', false);
}

/** GUARDRAIL_DRY_RUN_PROBE: prove EC2 permissions with `DryRun` during dry runs (default true). */
export function dryRunProbe(env: Env = process.env): boolean {
  return optionalBoolean(env, 'GUARDRAIL_DRY_RUN_PROBE', true);
}

/** GUARDRAIL_SCAN_CONCURRENCY: AWS reads and remediations the state scan runs in parallel (default 4). */
export function scanConcurrency(env: Env = process.env): number {
  return optionalInteger(env, 'GUARDRAIL_SCAN_CONCURRENCY', 4, 1, 32);
}

/** GUARDRAIL_SCAN_REGIONS: regions whose instances the state scan reads (comma-separated; default AWS_REGION). */
export function scanRegions(env: Env = process.env): string[] {
  const raw = value(env, 'GUARDRAIL_SCAN_REGIONS') ?? value(env, 'AWS_REGION') ?? 'us-east-1';
  const regions = [
    ...new Set(
      raw
        .split(',')
        .map((region) => region.trim())
        .filter((region) => region !== ''),
    ),
  ];
  if (regions.length === 0 || !regions.every((region) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
    throw new ConfigError(
      `GUARDRAIL_SCAN_REGIONS: expected comma-separated regions, got ${JSON.stringify(raw)}`,
    );
  }
  return regions;
}

/**
 * GUARDRAIL_WATCHED_FUNCTION (tamper-watch): the name of the function whose own changes it reports
 * (tamper-events, which reports every other change to the stack; src/respond/watchers.ts).
 */
export function watchedFunction(env: Env = process.env): string {
  const raw = requiredString(
    env,
    'GUARDRAIL_WATCHED_FUNCTION',
    'the name of the tamper-events function, whose own changes this function reports',
  );
  if (!/^[\w-]{1,64}$/.test(raw)) {
    throw new ConfigError(`GUARDRAIL_WATCHED_FUNCTION: expected a function name, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** What the scheduled stack check reads (src/state/stackReader.ts), or undefined when it is not configured. */
export interface StackCheckSettings {
  /** GUARDRAIL_STACK_PREFIX: the stack's resource names start with it (`guardrail-prod-`). */
  readonly prefix: string;
  /** GUARDRAIL_STACK_FUNCTIONS: its functions' names, comma-separated. */
  readonly functions: readonly string[];
  /** GUARDRAIL_STACK_BUSES: the buses its rules are on besides `default`, comma-separated (the central bus). */
  readonly buses: readonly string[];
}

export function stackCheck(env: Env = process.env): StackCheckSettings | undefined {
  const prefix = value(env, 'GUARDRAIL_STACK_PREFIX');
  if (prefix === undefined) return undefined;
  const names = (name: string, pattern: RegExp, what: string): string[] =>
    (value(env, name) ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        if (!pattern.test(part))
          throw new ConfigError(`${name}: expected ${what}, got ${JSON.stringify(part)}`);
        return part;
      });
  if (!/^[\w.-]{1,64}$/.test(prefix)) {
    throw new ConfigError(`GUARDRAIL_STACK_PREFIX: expected a name prefix, got ${JSON.stringify(prefix)}`);
  }
  return {
    prefix,
    functions: names('GUARDRAIL_STACK_FUNCTIONS', /^[\w-]{1,64}$/, 'function names'),
    buses: names('GUARDRAIL_STACK_BUSES', /^[\w.\-/]{1,256}$/, 'event bus names'),
  };
}

export interface FunctionRole {
  readonly arn: string;
  readonly account: string;
  readonly roleName: string;
}

/**
 * GUARDRAIL_ROLE_ARN: the function's own execution role (serverless.yml sets it). Its name joins the
 * baseline's guardrail.ownRoles, so the function's own enforce-imdsv2 calls are skipped even when the
 * baseline forgets them (loop prevention; every other call is judged); its account cross-checks the account the invocation context names (lib/accounts.ts), where the
 * function may remediate. Unset (local runs, tests): neither applies.
 */
export function functionRole(env: Env = process.env): FunctionRole | undefined {
  const raw = value(env, 'GUARDRAIL_ROLE_ARN');
  if (raw === undefined) return undefined;
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(raw);
  if (!match)
    throw new ConfigError(`GUARDRAIL_ROLE_ARN: expected an IAM role ARN, got ${JSON.stringify(raw)}`);
  return { arn: raw, account: match[1] as string, roleName: match[2] as string };
}

/** GUARDRAIL_REPORT_BUCKET (replay): where replay reports are written. */
export function reportBucket(env: Env = process.env): string {
  const raw = requiredString(env, 'GUARDRAIL_REPORT_BUCKET', 'the S3 bucket replay reports are written to');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw)) {
    throw new ConfigError(`GUARDRAIL_REPORT_BUCKET: expected an S3 bucket name, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** GUARDRAIL_REPORT_PREFIX (replay): key prefix of the reports (default `guardrail/replays/`). */
export function reportPrefix(env: Env = process.env): string {
  const raw = value(env, 'GUARDRAIL_REPORT_PREFIX') ?? 'guardrail/replays/';
  if (raw.length > 512 || raw.startsWith('/')) {
    throw new ConfigError(
      `GUARDRAIL_REPORT_PREFIX: expected a key prefix without a leading /, got ${JSON.stringify(raw)}`,
    );
  }
  return raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
}

/** GUARDRAIL_REPLAY_REGIONS (replay): regions a time-range replay reads with LookupEvents (default AWS_REGION). */
export function replayRegions(env: Env = process.env): string[] {
  const raw = value(env, 'GUARDRAIL_REPLAY_REGIONS') ?? value(env, 'AWS_REGION') ?? 'us-east-1';
  const regions = raw
    .split(',')
    .map((region) => region.trim())
    .filter((region) => region !== '');
  if (regions.length === 0 || !regions.every((region) => /^[a-z]{2}(-[a-z]+)+-\d$/.test(region))) {
    throw new ConfigError(
      `GUARDRAIL_REPLAY_REGIONS: expected comma-separated regions, got ${JSON.stringify(raw)}`,
    );
  }
  return regions;
}

/**
 * GUARDRAIL_MEMBER_ROLE_NAME and GUARDRAIL_MEMBER_EXTERNAL_ID: remediate findings forwarded from member
 * accounts through this role there. Both or neither; neither: other accounts' findings are notify-only.
 */
export function memberAccess(env: Env = process.env): MemberAccess | undefined {
  const roleName = value(env, 'GUARDRAIL_MEMBER_ROLE_NAME');
  const externalId = value(env, 'GUARDRAIL_MEMBER_EXTERNAL_ID');
  if (roleName === undefined && externalId === undefined) return undefined;
  if (roleName === undefined || !/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw new ConfigError(
      `GUARDRAIL_MEMBER_ROLE_NAME: expected the member accounts' remediation role name, got ${JSON.stringify(roleName ?? '')}`,
    );
  }
  if (externalId === undefined || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    // The value itself is not echoed: it is the confused-deputy secret of the member roles.
    throw new ConfigError(
      'GUARDRAIL_MEMBER_EXTERNAL_ID: expected the ExternalId of the member roles (2-1224 characters)',
    );
  }
  return { roleName, externalId, sessionName: 'guardrail-remediation' };
}

/**
 * AWS_ENDPOINT_URL set: the functions talk to a local endpoint (moto, LocalStack, MinIO), which cannot serve
 * S3's virtual-host bucket names, so S3 clients address buckets by path.
 */
export function s3PathStyle(env: Env = process.env): boolean {
  return value(env, 'AWS_ENDPOINT_URL') !== undefined;
}
