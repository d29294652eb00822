/**
 * Which IMDS requirement applies to an instance: the first profile of the baseline's `imds.profiles` that
 * matches it (by instance id, or by all of its tags), else the account's (`imds.maxHopLimit`, tokens required).
 *
 * When the instance's tags are not known (an offline ModifyInstanceMetadataOptions: the record has no tags),
 * a profile matching by tags may or may not apply. The decision then lists every requirement that may apply,
 * in order up to the first certain match; rules judge against the strictest of them, and a remediation acts
 * only as the loosest of them allows, so it never breaks an instance whose profile permits more.
 */
import type { Baseline, ImdsProfile } from '../baseline/baseline.ts';
import type { InstanceTags, Known } from '../core/knowledge.ts';

export interface ImdsRequirement {
  /** The profile's name; undefined for the account's requirement. */
  readonly profile?: string;
  /** Where it is in the baseline: `imds.profiles[0]`, or `imds` for the account's. */
  readonly path: string;
  /** `optional`: the profile documents an exception that may keep IMDSv1. */
  readonly httpTokens: 'required' | 'optional';
  readonly maxHopLimit: number;
}

export type ProfileDecision =
  | {
      readonly decided: true;
      readonly requirement: ImdsRequirement;
      /** How the profile matched; undefined for the account's requirement. */
      readonly matchedBy?: 'instance id' | 'tags';
    }
  | {
      readonly decided: false;
      /** Why the tags, and so the profile, are not known. */
      readonly why: string;
      /** The requirements that may apply, in the baseline's order (at least two). */
      readonly candidates: readonly ImdsRequirement[];
    };

export interface ImdsSubjectRef {
  /** Undefined for a launch template: only tags can match it. */
  readonly instanceId?: string;
  readonly tags: Known<InstanceTags>;
}

export function accountRequirement(baseline: Baseline): ImdsRequirement {
  return { path: 'imds', httpTokens: baseline.imds.httpTokens, maxHopLimit: baseline.imds.maxHopLimit };
}

function requirementOf(profile: ImdsProfile): ImdsRequirement {
  return {
    profile: profile.name,
    path: profile.path,
    httpTokens: profile.httpTokens,
    maxHopLimit: profile.maxHopLimit,
  };
}

const hasTagCriterion = (profile: ImdsProfile): boolean => Object.keys(profile.tags).length > 0;

function tagsMatch(profile: ImdsProfile, tags: InstanceTags): boolean {
  return Object.entries(profile.tags).every(
    ([key, value]) => Object.hasOwn(tags, key) && tags[key] === value,
  );
}

/** Whether any profile matches by tags: only then does an instance's tags matter. */
export function profilesNeedTags(baseline: Baseline): boolean {
  return baseline.imds.profiles.some(hasTagCriterion);
}

export function decideProfile(baseline: Baseline, subject: ImdsSubjectRef): ProfileDecision {
  // Profiles matching by tags that may apply before the first certain match (only when tags are unknown).
  const possible: ImdsRequirement[] = [];
  const why = subject.tags.known ? '' : subject.tags.why;
  const settle = (requirement: ImdsRequirement, matchedBy?: 'instance id' | 'tags'): ProfileDecision =>
    possible.length === 0
      ? { decided: true, requirement, ...(matchedBy ? { matchedBy } : {}) }
      : { decided: false, why, candidates: [...possible, requirement] };
  for (const profile of baseline.imds.profiles) {
    if (subject.instanceId !== undefined && profile.instanceIds.includes(subject.instanceId))
      return settle(requirementOf(profile), 'instance id');
    if (!hasTagCriterion(profile)) continue;
    if (!subject.tags.known) possible.push(requirementOf(profile));
    else if (tagsMatch(profile, subject.tags.value)) return settle(requirementOf(profile), 'tags');
  }
  return settle(accountRequirement(baseline));
}

/** What a decision holds the instance to: its requirement, or the strictest of those that may apply. */
export function strictest(decision: ProfileDecision): ImdsRequirement {
  if (decision.decided) return decision.requirement;
  const lowest = decision.candidates.reduce((a, b) => (b.maxHopLimit < a.maxHopLimit ? b : a));
  const required = decision.candidates.some((c) => c.httpTokens === 'required');
  return { ...lowest, httpTokens: required ? 'required' : 'optional' };
}

/** What a remediation may do when the profile is not certain: no more than the loosest candidate allows. */
export function loosest(decision: ProfileDecision): Pick<ImdsRequirement, 'httpTokens' | 'maxHopLimit'> {
  const candidates = decision.decided ? [decision.requirement] : decision.candidates;
  return {
    httpTokens: candidates.some((c) => c.httpTokens === 'optional') ? 'optional' : 'required',
    maxHopLimit: Math.max(...candidates.map((c) => c.maxHopLimit)),
  };
}

/**
 * A value from the record as a shell argument in a next-step command, or `placeholder` when it is not the plain
 * word AWS would have written: event fields are attacker-controlled, and a person may paste the command.
 */
export function shellArg(value: string | undefined, placeholder: string): string {
  return value !== undefined && /^[\w.:/()-]{1,128}$/.test(value) ? value : placeholder;
}
