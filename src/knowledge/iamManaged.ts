/**
 * AWS managed documents read from IAM for a replay that does not carry the AWS managed-policy data (the
 * replay function): ListPolicyVersions once per policy, then GetPolicyVersion for the version that was the
 * default at each record's time. AWS managed policies make each new version the default, so that is the newest
 * version created by then; IAM may no longer keep it (then the oldest it keeps stands in, marked inexact), and
 * a policy IAM cannot read is unknown with IAM's reason.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import { GetPolicyVersionCommand, paginateListPolicyVersions } from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.ts';
import type { Knowledge, Known, PolicyVersionFact } from '../core/knowledge.ts';
import { iamReplyDocument } from '../policy/parse.ts';
import type { AwsManagedRequest } from './awsManaged.ts';
import { awsManagedFrom, awsManagedKey } from './awsManaged.ts';

// The replay function loads this module (and IAM's client with it) only when it needs it.
export { IAMClient } from '@aws-sdk/client-iam';

/** The calls it makes (the replay role is held to these, test/infra). */
export const AWS_MANAGED_READ_PERMISSIONS = ['iam:ListPolicyVersions', 'iam:GetPolicyVersion'] as const;

interface Version {
  readonly versionId: string;
  readonly created: number;
}

export async function readAwsManagedFromIam(
  iam: IAMClient,
  requests: readonly AwsManagedRequest[],
): Promise<Knowledge['managedPolicy']> {
  const versions = new Map<string, Promise<Version[]>>();
  const documents = new Map<string, Promise<string>>();
  const listed = (policyArn: string): Promise<Version[]> => {
    let list = versions.get(policyArn);
    if (!list) {
      list = (async () => {
        const out: Version[] = [];
        for await (const page of paginateListPolicyVersions({ client: iam }, { PolicyArn: policyArn })) {
          for (const v of page.Versions ?? []) {
            if (v.VersionId) out.push({ versionId: v.VersionId, created: v.CreateDate?.getTime() ?? 0 });
          }
        }
        return out.sort((a, b) => a.created - b.created);
      })();
      versions.set(policyArn, list);
    }
    return list;
  };
  const document = (policyArn: string, versionId: string): Promise<string> => {
    const key = `${policyArn} ${versionId}`;
    let text = documents.get(key);
    if (!text) {
      text = iam
        .send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }))
        .then((reply) => iamReplyDocument(reply.PolicyVersion?.Document, key));
      documents.set(key, text);
    }
    return text;
  };
  const answer = async (request: AwsManagedRequest): Promise<Known<PolicyVersionFact>> => {
    const { policyArn, at } = request;
    try {
      let versionId = request.versionId;
      let exact = true;
      if (!versionId) {
        const list = await listed(policyArn);
        const time = Date.parse(at);
        const byThen = list.filter((v) => v.created <= time);
        const chosen = byThen[byThen.length - 1] ?? list[0];
        if (!chosen) return { known: false, why: `IAM lists no version of ${policyArn}` };
        versionId = chosen.versionId;
        exact = byThen.length > 0;
      }
      const value: PolicyVersionFact = {
        policyArn,
        versionId,
        document: await document(policyArn, versionId),
        ...(exact ? {} : { exact: false }),
      };
      return { known: true, source: 'iam', value };
    } catch (error) {
      return { known: false, why: `${policyArn} could not be read from IAM (${describeAwsError(error)})` };
    }
  };
  const answers = new Map<string, Known<PolicyVersionFact>>();
  // A few at a time: IAM throttles a burst, and a replay rarely needs more than a handful of AWS policies.
  const queue = [...requests];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift())
      answers.set(awsManagedKey(next), await answer(next));
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return awsManagedFrom(answers);
}
