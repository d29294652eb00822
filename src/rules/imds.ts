/** What both IMDS rules propose: IMDSv2 required, at the hop limit the baseline sets (2 where containers need it). */
import type { Baseline } from '../baseline/baseline.ts';
import type { ProposedRemediation } from '../core/rule.ts';
import type { ModifyImdsSubject } from '../events/subjects/index.ts';

export function enforceImdsV2(
  subject: ModifyImdsSubject,
  region: string,
  baseline: Baseline,
): ProposedRemediation {
  return {
    action: 'enforce-imdsv2',
    params: {
      instanceId: subject.instanceId,
      region,
      httpTokens: 'required',
      hopLimit: baseline.imds.hopLimit,
    },
  };
}
