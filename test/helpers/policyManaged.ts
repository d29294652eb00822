/** The compacted AWS managed policy data (npm run gen:managed), made here when `npm ci` has not made it yet. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeManagedData } from '../../scripts/gen-managed.ts';
import {
  installedPackageVersion,
  MANAGED_INDEX_FILE,
  managedDataDir,
  resetManagedPolicies,
} from '../../src/policy/managed.ts';

export function ensureManagedPolicyData(): void {
  const index = join(managedDataDir(), MANAGED_INDEX_FILE);
  const current =
    existsSync(index) &&
    (JSON.parse(readFileSync(index, 'utf8')) as { packageVersion?: string }).packageVersion ===
      installedPackageVersion();
  if (!current) {
    writeManagedData();
    resetManagedPolicies();
  }
}
