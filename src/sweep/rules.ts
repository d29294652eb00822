/**
 * The sweep's two rules, described like the CloudTrail rules in src/rules (title, rationale, next steps),
 * so notifications and reports explain them the same way. Their ids are part of the public contract.
 */
import type { RemediationAction, RuleId, Severity } from '../core/types.ts';
import { RuleId as Ids } from '../core/types.ts';

export interface SweepRule {
  readonly id: RuleId;
  readonly title: string;
  readonly rationale: string;
  readonly nextSteps: readonly string[];
  readonly severity: Severity;
  /** The action its findings may propose; the AWS calls it makes are declared with the action (src/actions). */
  readonly remediation: RemediationAction | null;
}

export const userOrphaned: SweepRule = {
  id: Ids.userOrphaned,
  title: 'Orphaned IAM user',
  rationale:
    'A user nobody uses any more still holds working credentials: forgotten users are how leaked keys stay useful for years.',
  nextSteps: [
    'Find the owner (the guardrail:creator tag names who created it) and confirm the user is no longer needed.',
    'Deactivate its access keys, then delete the user; guardrail only tags it (guardrail:orphaned), it never deletes.',
    'If the user is meant to stay, add it to users.approved in the baseline.',
  ],
  severity: 'medium',
  remediation: 'tag-orphaned',
};

export const accessKeyStale: SweepRule = {
  id: Ids.accessKeyStale,
  title: 'Access key past its rotation age',
  rationale:
    'The older a long-term key, the more places it has been copied to (laptops, CI logs, .env files); rotation bounds how long a leak stays useful.',
  nextSteps: [
    'Create a new key, move the workload to it, then deactivate and delete the old one.',
    'Better: replace the key with a role (instance profile, task role, OIDC federation) so there is nothing to rotate.',
  ],
  severity: 'medium',
  remediation: null,
};

export const SWEEP_RULES: readonly SweepRule[] = [userOrphaned, accessKeyStale];
