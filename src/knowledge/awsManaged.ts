/**
 * AWS managed documents asked for by time: what a replay without the AWS managed-policy data (the replay
 * function) reads from IAM once the trail is read, and the getter that answers from what was read.
 */
import type { Knowledge, Known, PolicyVersionFact } from '../core/knowledge.ts';

const AWS_POLICY = /^arn:aws[\w-]*:iam::aws:policy\//;

export function isAwsManagedArn(policyArn: string): boolean {
  return AWS_POLICY.test(policyArn);
}

/** One AWS managed document: a version, or the one that was the default at `at`. */
export interface AwsManagedRequest {
  readonly policyArn: string;
  readonly at: string;
  readonly versionId?: string;
}

export function awsManagedKey({ policyArn, at, versionId }: AwsManagedRequest): string {
  return versionId ? `${policyArn} ${versionId}` : `${policyArn} @${at}`;
}

/** A getter answering from `answers` (keyed by awsManagedKey); anything not asked for is unknown, saying so. */
export function awsManagedFrom(
  answers: ReadonlyMap<string, Known<PolicyVersionFact>>,
): Knowledge['managedPolicy'] {
  return (policyArn, at, versionId) =>
    answers.get(awsManagedKey({ policyArn, at, ...(versionId ? { versionId } : {}) })) ?? {
      known: false,
      why: `${policyArn} was not read from IAM for this replay`,
    };
}
