/**
 * Each module that calls AWS declares the calls it makes once, beside its code; the deployed roles are derived
 * from those lists (test/infra). This holds each list to the module's source: every `new XCommand(` and
 * `paginateX(` of an `@aws-sdk/client-<service>` import is declared, and nothing else is.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENFORCE_IMDS_PERMISSIONS } from '../../../src/actions/enforceImdsV2.ts';
import { ASSUME_MEMBER_ROLE_PERMISSIONS } from '../../../src/actions/member.ts';
import { ACTION_PERMISSIONS } from '../../../src/actions/permissions.ts';
import { RESTORE_LOGGING_PERMISSIONS } from '../../../src/actions/restoreLogging.ts';
import { TAG_USER_PERMISSIONS } from '../../../src/actions/tagUser.ts';
import { RemediationAction } from '../../../src/core/types.ts';
import { INSTANCE_TAGS_PERMISSIONS } from '../../../src/knowledge/ec2.ts';
import { IAM_FACT_PERMISSIONS } from '../../../src/knowledge/iam.ts';
import { IAM_KEYS_PERMISSIONS } from '../../../src/knowledge/iam-keys.ts';
import { IAM_STATE_PERMISSIONS } from '../../../src/state/read.ts';
import { EC2_STATE_PERMISSIONS } from '../../../src/state/readEc2.ts';

function callsIn(path: string): string[] {
  const source = readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  // The SDK's client packages are named by IAM's service prefix (client-iam, client-ec2, client-sts).
  const prefix = /from '@aws-sdk\/client-([a-z0-9-]+)'/.exec(source)?.[1] ?? '';
  const names = [
    ...[...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]),
    ...[...source.matchAll(/\bpaginate(\w+)\(/g)].map((m) => m[1]),
  ];
  return [...new Set(names.map((name) => `${prefix}:${name}`))].sort();
}

describe('AWS calls declared once, beside the code that makes them', () => {
  it.each([
    ['src/actions/tagUser.ts', TAG_USER_PERMISSIONS],
    ['src/actions/enforceImdsV2.ts', ENFORCE_IMDS_PERMISSIONS],
    ['src/actions/restoreLogging.ts', RESTORE_LOGGING_PERMISSIONS],
    ['src/actions/member.ts', ASSUME_MEMBER_ROLE_PERMISSIONS],
    ['src/state/read.ts', IAM_STATE_PERMISSIONS],
    ['src/state/readEc2.ts', EC2_STATE_PERMISSIONS],
    ['src/knowledge/ec2.ts', INSTANCE_TAGS_PERMISSIONS],
    ['src/knowledge/iam.ts', IAM_FACT_PERMISSIONS],
    ['src/knowledge/iam-keys.ts', IAM_KEYS_PERMISSIONS],
  ] as const)('%s declares exactly the calls it makes', (path, declared) => {
    expect([...declared].sort()).toEqual(callsIn(path));
  });

  it('gives every remediation action its calls', () => {
    expect(Object.keys(ACTION_PERMISSIONS).sort()).toEqual(Object.values(RemediationAction).sort());
    expect(ACTION_PERMISSIONS['tag-ephemeral']).toEqual(['iam:ListUserTags', 'iam:TagUser']);
  });
});
