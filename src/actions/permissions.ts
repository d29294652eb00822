/**
 * The AWS calls each remediation makes, declared once beside its code (tagUser.ts, enforceImdsV2.ts, restoreLogging.ts) and
 * gathered here by action, so the deployed roles can be derived from the rules a function serves.
 * test/unit/actions/permissions.test.ts holds each list to the calls in its module's source.
 */
import type { RemediationAction } from '../core/types.ts';
import { ENFORCE_IMDS_PERMISSIONS } from './enforceImdsV2.ts';
import { RESTORE_LOGGING_PERMISSIONS } from './restoreLogging.ts';
import { TAG_USER_PERMISSIONS } from './tagUser.ts';

export const ACTION_PERMISSIONS: Readonly<Record<RemediationAction, readonly string[]>> = {
  'tag-ephemeral': TAG_USER_PERMISSIONS,
  'tag-orphaned': TAG_USER_PERMISSIONS,
  'enforce-imdsv2': ENFORCE_IMDS_PERMISSIONS,
  'restore-logging': RESTORE_LOGGING_PERMISSIONS,
};

/** What a function must be allowed for the remediations of the rules it serves. */
export function permissionsFor(actions: readonly (RemediationAction | null)[]): string[] {
  return [...new Set(actions.flatMap((action) => (action ? ACTION_PERMISSIONS[action] : [])))].sort();
}
