/**
 * Remediations: turn a finding's `proposed` remediation into an outcome. The mode is decided here, once per
 * finding, from the baseline's setting for its rule (carried on `remediation.mode`), and handed to the
 * action; no action looks anywhere else. Anything but `enforce` is a dry run: reads only.
 *
 * Actions are injected (tagUser.ts, enforceImdsV2.ts build them around their SDK client), so each handler
 * bundles only the clients of the actions it runs.
 */
import type { Finding, ImdsParams, Remediation, RemediationMode, TagParams } from '../core/types.ts';
import { describeAwsError, isTransientAwsError } from './awsError.ts';
import type { ActionOutcome } from './outcome.ts';
import { ActionRetryableError } from './outcome.ts';

export type { ActionOutcome } from './outcome.ts';
export { ActionRetryableError } from './outcome.ts';

export type Action<P> = (params: P, mode: RemediationMode) => Promise<ActionOutcome>;

export interface Actions {
  readonly 'tag-ephemeral'?: Action<TagParams>;
  readonly 'tag-orphaned'?: Action<TagParams>;
  readonly 'enforce-imdsv2'?: Action<ImdsParams>;
}

export interface RemediatorOptions {
  /** Treat every rule as dry-run whatever the baseline says (an operator's brake). */
  readonly forceDryRun?: boolean;
}

export type Remediate = (finding: Finding) => Promise<Finding>;

function decideMode(remediation: Remediation, options: RemediatorOptions): RemediationMode {
  return remediation.mode === 'enforce' && !options.forceDryRun ? 'enforce' : 'dry-run';
}

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
 * The finding with its remediation's outcome; a finding without a proposed remediation comes back as is.
 * A permanent failure (AccessDenied, a validation error) becomes `failed` with its one-line error, so it is
 * still notified; a transient one (throttling or 5xx after the SDK's retries) throws ActionRetryableError.
 */
export function createRemediator(actions: Actions, options: RemediatorOptions = {}): Remediate {
  return async (finding) => {
    const remediation = finding.remediation;
    if (remediation?.status !== 'proposed') return finding;
    const mode = decideMode(remediation, options);
    let outcome: ActionOutcome;
    try {
      outcome = await run(remediation, mode, actions);
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
    return { ...finding, remediation: withOutcome(remediation, mode, outcome) };
  };
}
