/**
 * The offline Knowledge of `guardrail evaluate` and `guardrail replay`: the AWS managed-policy data (every
 * version since 2015, src/policy/managed.ts) and what the records themselves say about customer-managed
 * policies, attachments and groups (iamLedgers.ts), and users' access keys (keys.ts). The Lambda functions never load this module: they read IAM.
 */

import { ConfigError } from '../core/errors.ts';
import type { Knowledge, Known, PolicyVersionFact } from '../core/knowledge.ts';
import { MANAGED_PACKAGE, managedPolicyAt, managedPolicyVersion } from '../policy/managed.ts';
import { attachmentLedger, policyVersionLedger } from './iamLedgers.ts';
import { accessKeyLedger } from './keys.ts';
import type { Ledger } from './ledger.ts';
import { TrailKnowledge } from './trail.ts';

/**
 * AWS managed policies from the offline data: the version that was the default at the event's time, or the
 * version asked for. Data that is missing or stale answers unknown with the fix (npm run gen:managed).
 */
export function awsManagedPolicies(): Knowledge['managedPolicy'] {
  return (policyArn, at, versionId): Known<PolicyVersionFact> => {
    try {
      const version = versionId ? managedPolicyVersion(policyArn, versionId) : managedPolicyAt(policyArn, at);
      if (!version) {
        return {
          known: false,
          why: `${policyArn}${versionId ? ` ${versionId}` : ''} is not in the AWS managed-policy data (${MANAGED_PACKAGE})`,
        };
      }
      return {
        known: true,
        source: 'aws-managed-data',
        value: {
          policyArn,
          versionId: version.versionId,
          document: JSON.stringify(version.document),
          ...(version.exact ? {} : { exact: false }),
        },
      };
    } catch (error) {
      if (error instanceof ConfigError) return { known: false, why: error.message };
      throw error;
    }
  };
}

/** Fresh ledgers (each keeps what it learns); a new ledger is one line here. */
export function offlineLedgers(
  awsManaged: Knowledge['managedPolicy'] = awsManagedPolicies(),
  awsManagedLater = false,
): Ledger[] {
  return [policyVersionLedger(awsManaged, awsManagedLater), attachmentLedger(), accessKeyLedger()];
}

export interface OfflineOptions {
  /** Where the AWS managed-policy data is not carried (the replay function): a getter that says so. */
  readonly awsManaged?: Knowledge['managedPolicy'];
  /** Records asking for an AWS managed document are deferred, as for a trail fact (it is read from IAM later). */
  readonly awsManagedLater?: boolean;
  /** What no ledger knows (tests give the facts a Lambda would read). */
  readonly base?: Knowledge;
}

/** The ledgers over the records of one evaluation or replay, with the AWS managed-policy data. */
export function offlineKnowledge(options: OfflineOptions = {}): TrailKnowledge {
  return new TrailKnowledge(offlineLedgers(options.awsManaged, options.awsManagedLater), options.base);
}
