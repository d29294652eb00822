/**
 * The facts an IMDS event needs beyond its record: the tags of an instance whose record does not carry them
 * (a ModifyInstanceMetadataOptions never does; a RunInstances from a launch template may not), asked only when
 * a profile matches by tags and the tags could change the verdict.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { FactRequest } from '../core/knowledge.ts';
import type { ImdsSettings, ModifyImdsSubject, RunInstancesSubject } from '../events/subjects/index.ts';
import { profilesNeedTags } from './imdsProfile.ts';

/** Whether an instance with these settings could be flagged under some requirement of the baseline. */
function mayBeFlagged(settings: ImdsSettings, tokensUnstatedMatter: boolean, baseline: Baseline): boolean {
  if (settings.httpEndpoint === 'disabled') return false;
  const lowestMax = Math.min(baseline.imds.maxHopLimit, ...baseline.imds.profiles.map((p) => p.maxHopLimit));
  const tokens = settings.httpTokens;
  return (
    tokens === 'optional' ||
    (tokens === undefined && tokensUnstatedMatter) ||
    (settings.hopLimit !== undefined && settings.hopLimit > lowestMax)
  );
}

export function imdsFacts(
  subject: ModifyImdsSubject | RunInstancesSubject,
  baseline: Baseline,
): readonly FactRequest[] {
  if (!profilesNeedTags(baseline)) return [];
  if (subject.kind === 'ModifyInstanceMetadataOptions') {
    return mayBeFlagged(subject.resulting, false, baseline)
      ? [{ kind: 'instanceTags', instanceId: subject.instanceId, region: subject.region }]
      : [];
  }
  return subject.instances
    .filter((i) => i.tags === undefined && i.validId && mayBeFlagged(i.settings, true, baseline))
    .map((i) => ({ kind: 'instanceTags', instanceId: i.instanceId, region: subject.region }));
}
