/**
 * Remediations: turn a finding's `proposed` remediation into an outcome. What runs, where and in which mode is
 * decided by plan.ts; this module runs it. Anything but `enforce` is a dry run: reads only.
 *
 * Actions are injected (tagUser.ts, enforceImdsV2.ts build them around their SDK client), so each handler
 * bundles only the clients of the actions it runs; a member account's actions are built with its role's
 * credentials (member.ts) on its first finding and kept.
 */
import { describeAwsError, isTransientAwsError } from '../aws/errors.ts';
import type {
  Finding,
  ImdsParams,
  Remediation,
  RemediationMode,
  TagParams,
  TrailParams,
} from '../core/types.ts';
import type { AssumeRole, CredentialsProvider, MemberAccess } from './member.ts';
import { memberCredentials } from './member.ts';
import type { ActionOutcome } from './outcome.ts';
import { ActionRetryableError } from './outcome.ts';
import type { OwnAccount, RemediationTarget } from './plan.ts';
import { planRemediation } from './plan.ts';

export type { ActionOutcome } from './outcome.ts';
export { ActionRetryableError } from './outcome.ts';

export type Action<P> = (params: P, mode: RemediationMode) => Promise<ActionOutcome>;

export interface Actions {
  readonly 'tag-ephemeral'?: Action<TagParams>;
  readonly 'tag-orphaned'?: Action<TagParams>;
  readonly 'enforce-imdsv2'?: Action<ImdsParams>;
  readonly 'restore-logging'?: Action<TrailParams>;
}

export interface MemberRemediation {
  readonly access: MemberAccess;
  /** The same actions as the function's own, with clients built on the member role's credentials. */
  readonly actionsWith: (credentials: CredentialsProvider) => Actions;
  /** Tests replace STS. */
  readonly assume?: AssumeRole;
}

export interface RemediatorOptions {
  /** Treat every rule as dry-run whatever the baseline says (an operator's brake). */
  readonly forceDryRun?: boolean;
  /** Remediate findings from other accounts there; absent: they are held, with a note. */
  readonly members?: MemberRemediation;
}

/** A finding in, the finding with its remediation's outcome out; `own` is the account the invocation runs in. */
export type Remediate = (finding: Finding, own: OwnAccount) => Promise<Finding>;

function run(remediation: Remediation, mode: RemediationMode, actions: Actions): Promise<ActionOutcome> {
  switch (remediation.action) {
    case 'tag-ephemeral':
    case 'tag-orphaned': {
      const action = actions[remediation.action];
      return action
        ? action(remediation.params, mode)
        : Promise.resolve({ status: 'failed', error: `this function cannot run ${remediation.action}` });
    }
    case 'enforce-imdsv2': {
      const action = actions['enforce-imdsv2'];
      return action
        ? action(remediation.params, mode)
        : Promise.resolve({ status: 'failed', error: 'this function cannot run enforce-imdsv2' });
    }
    case 'restore-logging': {
      const action = actions['restore-logging'];
      return action
        ? action(remediation.params, mode)
        : Promise.resolve({ status: 'failed', error: 'this function cannot run restore-logging' });
    }
  }
}

function withOutcome(remediation: Remediation, mode: RemediationMode, outcome: ActionOutcome): Remediation {
  const { error: _error, note: _note, ...rest } = remediation;
  return {
    ...rest,
    mode,
    status: outcome.status,
    ...(outcome.note ? { note: outcome.note } : {}),
    ...('error' in outcome && outcome.error ? { error: outcome.error } : {}),
  } as Remediation;
}

/**
 * Runs each finding's plan. A held remediation stays `proposed` with a note saying why. A permanent failure
 * (AccessDenied, a validation error, a refused AssumeRole) becomes `failed` with its one-line error, so it is
 * still notified; a transient one (throttling or 5xx after the SDK's retries) throws ActionRetryableError.
 */
export function createRemediator(actions: Actions, options: RemediatorOptions = {}): Remediate {
  const members = new Map<string, Actions>();
  const actionsFor = (target: RemediationTarget): Actions => {
    if (target.kind === 'own' || !options.members) return actions;
    let found = members.get(target.account);
    if (!found) {
      const { access, actionsWith, assume } = options.members;
      found = actionsWith(memberCredentials(target.account, access, assume));
      members.set(target.account, found);
    }
    return found;
  };
  return async (finding, own) => {
    const plan = planRemediation(finding, {
      forceDryRun: options.forceDryRun ?? false,
      own,
      memberRole: options.members !== undefined,
    });
    const remediation = finding.remediation;
    if (plan.kind === 'none' || !remediation) return finding;
    if (plan.kind === 'hold') {
      return { ...finding, remediation: { ...remediation, note: `not acted on: ${plan.note}` } };
    }
    let outcome: ActionOutcome;
    try {
      outcome = await run(remediation, plan.mode, actionsFor(plan.target));
    } catch (error) {
      if (isTransientAwsError(error)) {
        throw new ActionRetryableError(
          `${remediation.action} on ${finding.resource}: ${describeAwsError(error)}`,
          {
            cause: error,
          },
        );
      }
      outcome = { status: 'failed', error: describeAwsError(error) };
    }
    return { ...finding, remediation: withOutcome(remediation, plan.mode, outcome) };
  };
}
