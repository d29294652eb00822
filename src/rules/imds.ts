/**
 * The IMDS judgement of one event, prepared once per record (src/rules/inputs.ts) and read by both instance
 * rules, so that each instance (or launch template) of an event appears in exactly one finding:
 *
 * - `ec2.imds.v1-allowed` takes every instance left accepting IMDSv1 where its requirement says tokens are
 *   required; when its hop limit is also above its maximum, that problem is in the same finding (summary,
 *   `details.instances[].problems`, and the remediation lowers it).
 * - `ec2.imds.hop-limit` takes the instances whose hop limit is above their maximum and that v1-allowed did
 *   not take: tokens required, unchanged by the event, or allowed by the instance's profile.
 *
 * What an instance may have comes from its IMDS profile (imdsProfile.ts). The remediation, `enforce-imdsv2`,
 * carries each instance's maximum: the action keeps a hop limit within it, lowers one above it, and never
 * raises one (src/actions/imdsChange.ts).
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { InstanceTags, Knowledge, Known } from '../core/knowledge.ts';
import type { RuleMatch } from '../core/rule.ts';
import type { ImdsTarget, Severity } from '../core/types.ts';
import type {
  ImdsSettings,
  LaunchTemplateSubject,
  ModifyImdsSubject,
  RunInstancesSubject,
} from '../events/subjects/index.ts';
import type { ImdsRequirement, ProfileDecision } from './imdsProfile.ts';
import { decideProfile, loosest, shellArg, strictest } from './imdsProfile.ts';

/** IMDSv2 was announced on this day; an instance launched before it could only use IMDSv1. */
const IMDSV2_RELEASED = '2019-11-19T00:00:00Z';

/** How the record told an instance's settings. */
export type SettingsBasis =
  /** ModifyInstanceMetadataOptions: what the call set (absent fields are unchanged, so not judged). */
  | 'change'
  | 'response'
  | 'request'
  /** Launched before IMDSv2 existed: IMDSv1 only, hop limit 1. */
  | 'before-imdsv2'
  /** The record states none: they came from the launch template, the account's default or the AMI. */
  | 'unstated';

export interface InstanceJudgement {
  /** Undefined when a RunInstances record lists no instance (then its request alone is judged). */
  readonly instanceId?: string;
  readonly instanceArn?: string;
  /** Whether enforce-imdsv2 can act on it (the id has the shape of one). */
  readonly actionable: boolean;
  /** As the record says, lower-cased; undefined when it does not say. */
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  readonly basis: SettingsBasis;
  readonly decision: ProfileDecision;
  /** What it is judged against: its requirement, or the strictest of those that may apply. */
  readonly requirement: ImdsRequirement;
  /** IMDSv1 left allowed where the requirement forbids it; `possible` when the record does not say. */
  readonly imdsv1: 'yes' | 'possible' | 'no';
  readonly hopAbove: boolean;
}

export interface InstancesJudgement {
  readonly kind: 'instances';
  readonly region: string;
  /** `arn:<partition>:ec2:<region>:<account>:` for resources built from ids. */
  readonly arnPrefix: string;
  readonly reservationId?: string;
  readonly launchTemplate?: string;
  readonly instances: readonly InstanceJudgement[];
}

export interface TemplateJudgement {
  readonly kind: 'template';
  readonly template: LaunchTemplateSubject;
  readonly httpTokens?: string;
  readonly hopLimit?: number;
  readonly decision: ProfileDecision;
  readonly requirement: ImdsRequirement;
  readonly imdsv1: 'yes' | 'possible' | 'no';
  readonly hopAbove: boolean;
}

export type ImdsJudgement = InstancesJudgement | TemplateJudgement;

function judge(
  settings: ImdsSettings,
  decision: ProfileDecision,
  tokensUnstated: 'possible' | 'no',
): Pick<InstanceJudgement, 'requirement' | 'imdsv1' | 'hopAbove'> {
  const requirement = strictest(decision);
  // An instance whose metadata endpoint is off serves no credentials, whatever its tokens and hops.
  if (settings.httpEndpoint === 'disabled') return { requirement, imdsv1: 'no', hopAbove: false };
  const tokens = settings.httpTokens;
  const imdsv1 =
    requirement.httpTokens !== 'required'
      ? 'no'
      : tokens === 'optional'
        ? 'yes'
        : tokens === undefined
          ? tokensUnstated
          : 'no';
  const hopAbove = settings.hopLimit !== undefined && settings.hopLimit > requirement.maxHopLimit;
  return { requirement, imdsv1, hopAbove };
}

const fromRecord = (tags: InstanceTags): Known<InstanceTags> => ({
  known: true,
  value: tags,
  source: 'trail',
});

export function judgeModify(
  subject: ModifyImdsSubject,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): InstancesJudgement {
  const decision = decideProfile(baseline, {
    instanceId: subject.instanceId,
    tags: knowledge.instanceTags(subject.instanceId, subject.region, at),
  });
  const settings = subject.resulting;
  return {
    kind: 'instances',
    region: subject.region,
    arnPrefix: subject.instanceArn.slice(0, subject.instanceArn.indexOf('instance/')),
    instances: [
      {
        instanceId: subject.instanceId,
        instanceArn: subject.instanceArn,
        actionable: true,
        ...settingsFields(settings),
        basis: 'change',
        decision,
        // Tokens the call did not set are unchanged: the event did not allow IMDSv1.
        ...judge(settings, decision, 'no'),
      },
    ],
  };
}

function settingsFields(settings: ImdsSettings): Pick<InstanceJudgement, 'httpTokens' | 'hopLimit'> {
  return {
    ...(settings.httpTokens !== undefined ? { httpTokens: settings.httpTokens } : {}),
    ...(settings.hopLimit !== undefined ? { hopLimit: settings.hopLimit } : {}),
  };
}

export function judgeRun(
  subject: RunInstancesSubject,
  baseline: Baseline,
  knowledge: Knowledge,
  at: string,
): InstancesJudgement {
  const beforeImdsv2 = Date.parse(at) < Date.parse(IMDSV2_RELEASED);
  const arnPrefix = `arn:${subject.partition}:ec2:${subject.region}:${subject.account}:`;
  const launched = subject.instances.length > 0 ? subject.instances : [undefined];
  const instances = launched.map((instance): InstanceJudgement => {
    let settings = instance?.settings ?? subject.requested;
    let basis: SettingsBasis = instance
      ? instance.settingsFrom === 'none'
        ? 'unstated'
        : instance.settingsFrom
      : Object.keys(settings).length > 0
        ? 'request'
        : 'unstated';
    if (basis === 'unstated' && beforeImdsv2) {
      settings = { httpTokens: 'optional', hopLimit: 1 };
      basis = 'before-imdsv2';
    }
    const tags: Known<InstanceTags> =
      instance === undefined
        ? { known: false, why: 'the record lists no launched instance' }
        : instance.tags !== undefined
          ? fromRecord(instance.tags)
          : knowledge.instanceTags(instance.instanceId, subject.region, at);
    const decision = decideProfile(baseline, {
      ...(instance ? { instanceId: instance.instanceId } : {}),
      tags,
    });
    return {
      ...(instance ? { instanceId: instance.instanceId, instanceArn: instance.instanceArn } : {}),
      actionable: instance?.validId ?? false,
      ...settingsFields(settings),
      basis,
      decision,
      // Not stated: the launch took the account's default or the AMI's setting, IMDSv1 unless one requires tokens.
      ...judge(settings, decision, 'possible'),
    };
  });
  return {
    kind: 'instances',
    region: subject.region,
    arnPrefix,
    ...(subject.reservationId ? { reservationId: subject.reservationId } : {}),
    ...(subject.launchTemplate ? { launchTemplate: subject.launchTemplate } : {}),
    instances,
  };
}

export function judgeTemplate(template: LaunchTemplateSubject, baseline: Baseline): TemplateJudgement {
  // A template has no instance id: only the tags it gives its instances can match a profile.
  const decision = decideProfile(baseline, { tags: fromRecord(template.instanceTags) });
  return {
    kind: 'template',
    template,
    ...settingsFields(template.settings),
    decision,
    // No HttpTokens: its instances take the account's default or the AMI's (or the source version's) setting.
    ...judge(template.settings, decision, 'possible'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Findings: what each rule says of the instances (or template) it takes from the judgement.

/** `v1`: ec2.imds.v1-allowed; `hop`: ec2.imds.hop-limit. */
export type ImdsRule = 'v1' | 'hop';

const takes = (rule: ImdsRule, j: Pick<InstanceJudgement, 'imdsv1' | 'hopAbove'>): boolean =>
  rule === 'v1' ? j.imdsv1 !== 'no' : j.imdsv1 === 'no' && j.hopAbove;

/** `its maximum of 2 (IMDS profile kdcube-containers)`, `the account maximum of 1`, or the strictest. */
function maxText(j: Pick<InstanceJudgement, 'decision' | 'requirement'>): string {
  const max = j.requirement.maxHopLimit;
  if (!j.decision.decided) return `the strictest maximum that may apply, ${max}`;
  const profile = j.requirement.profile;
  return profile !== undefined
    ? `its maximum of ${max} (IMDS profile ${profile})`
    : `the account maximum of ${max}`;
}

/** `HttpTokens optional, hop limit 3 above its maximum of 2`: what the record says, for one rule. */
function stateOf(rule: ImdsRule, j: InstanceJudgement | TemplateJudgement): string {
  const basis = 'basis' in j ? j.basis : undefined;
  const tokens =
    rule !== 'v1'
      ? undefined
      : basis === 'before-imdsv2'
        ? 'launched before IMDSv2 existed (November 2019)'
        : j.httpTokens !== undefined
          ? `HttpTokens ${j.httpTokens}`
          : 'no HttpTokens in the record: it takes the account default or the AMI setting, IMDSv1 unless one requires tokens';
  const hop =
    j.hopLimit === undefined
      ? undefined
      : `hop limit ${j.hopLimit}${j.hopAbove ? `, above ${maxText(j)}` : ''}`;
  return [tokens, hop].filter((part) => part !== undefined).join(', ');
}

function undecidedOf(judged: readonly Pick<InstanceJudgement, 'decision' | 'instanceId'>[]): string {
  const undecided = judged.filter((j) => !j.decision.decided);
  const first = undecided[0]?.decision;
  if (!first || first.decided) return '';
  const options = first.candidates.map((c) => `${c.profile ?? 'the account'} (at most ${c.maxHopLimit})`);
  const loosestMax = Math.max(...first.candidates.map((c) => c.maxHopLimit));
  return ` The IMDS profile of ${undecided.map((j) => j.instanceId).join(', ')} could not be decided (${first.why}): judged against the strictest of ${options.join(' or ')}, and never lowered below ${loosestMax}, the most any of them allows.`;
}

function instanceDetails(j: InstanceJudgement): Record<string, unknown> {
  return {
    instanceId: j.instanceId ?? null,
    httpTokens: j.httpTokens ?? null,
    hopLimit: j.hopLimit ?? null,
    settingsFrom: j.basis,
    maxHopLimit: j.requirement.maxHopLimit,
    profile: j.requirement.profile ?? null,
    profilePath: j.requirement.path,
    ...(j.decision.decided
      ? {}
      : {
          profileUndecided: {
            why: j.decision.why,
            candidates: j.decision.candidates.map((c) => c.profile ?? 'account'),
          },
        }),
    ...(j.actionable ? {} : { notActedOn: 'the record gives no instance id guardrail can act on' }),
    problems: [
      ...(j.imdsv1 === 'yes' ? ['imdsv1'] : j.imdsv1 === 'possible' ? ['imdsv1-possible'] : []),
      ...(j.hopAbove ? ['hop-limit'] : []),
    ],
  };
}

/** The instance targets of enforce-imdsv2: what the loosest requirement that may apply allows, never less. */
function targetsOf(judged: readonly InstanceJudgement[]): ImdsTarget[] {
  return judged.flatMap((j) => {
    if (!j.actionable || j.instanceId === undefined) return [];
    const allowed = loosest(j.decision);
    const seen = {
      ...(j.httpTokens !== undefined ? { httpTokens: j.httpTokens } : {}),
      ...(j.hopLimit !== undefined ? { hopLimit: j.hopLimit } : {}),
    };
    return [
      {
        instanceId: j.instanceId,
        httpTokens: allowed.httpTokens === 'required' ? 'required' : 'keep',
        maxHopLimit: allowed.maxHopLimit,
        ...(Object.keys(seen).length > 0 ? { seen } : {}),
      } satisfies ImdsTarget,
    ];
  });
}

const IMDSV1_CALLERS =
  'If software on the instance then fails to read its metadata, it still calls IMDSv1: update it (the CloudWatch metric MetadataNoToken counts IMDSv1 calls) rather than allowing IMDSv1 again.';
const CONTAINERS =
  'If its containers reach IMDS through a bridge network and need another hop, give it an IMDS profile (imds.profiles, matched by a tag) with that maximum, rather than raising the account maximum.';

function instancesMatch(rule: ImdsRule, judgement: InstancesJudgement, eventName: string): RuleMatch[] {
  const judged = judgement.instances.filter((j) => takes(rule, j));
  const [first] = judged;
  if (!first) return [];
  const { region } = judgement;
  const cliRegion = shellArg(region, '<region>');
  const certain = rule === 'hop' || judged.some((j) => j.imdsv1 === 'yes');
  const what =
    rule === 'hop'
      ? 'with a hop limit above their maximum'
      : certain
        ? 'that accept IMDSv1'
        : 'that may accept IMDSv1';
  const summary =
    eventName === 'RunInstances'
      ? `RunInstances${judgement.launchTemplate ? ` from launch template ${judgement.launchTemplate}` : ''} launched instances ${what}: ${judged
          .slice(0, 10)
          .map((j) => `${j.instanceId ?? 'not listed in the record'} (${stateOf(rule, j)})`)
          .join('; ')}${judged.length > 10 ? `; and ${judged.length - 10} more (details.instances)` : ''}.`
      : `Instance ${first.instanceId} now ${rule === 'v1' ? 'accepts IMDSv1: ' : 'has '}${stateOf(rule, first)}.`;
  const targets = targetsOf(judged);
  // As the remediation: no lower than the loosest maximum that may apply (the instance's, when decided).
  const allowed = loosest(first.decision).maxHopLimit;
  const hop =
    first.hopLimit !== undefined && first.hopLimit > allowed
      ? ` --http-put-response-hop-limit ${allowed}`
      : '';
  const tokens = rule === 'v1' ? ' --http-tokens required --http-endpoint enabled' : '';
  const undecided = judged.filter((j) => !j.decision.decided).length > 0;
  return [
    {
      summary: `${summary}${undecidedOf(judged)}`,
      resource:
        judged.length === 1 && first.instanceArn
          ? first.instanceArn
          : `${judgement.arnPrefix}${judgement.reservationId ? `reservation/${judgement.reservationId}` : 'instance/*'}`,
      details: {
        // One instance: its numbers at the top of details too.
        ...(judged.length === 1
          ? {
              instanceId: first.instanceId ?? null,
              hopLimit: first.hopLimit ?? null,
              maxHopLimit: first.requirement.maxHopLimit,
            }
          : {}),
        instances: judged.map(instanceDetails),
      },
      ...(certain ? {} : { severity: 'medium' as Severity }),
      nextSteps: [
        `${targets.length > 0 ? 'Unless guardrail did it (see above), ' : ''}${rule === 'v1' ? 'require IMDSv2' : 'lower the hop limit'}: aws ec2 modify-instance-metadata-options --region ${cliRegion} --instance-id ${shellArg(first.actionable ? first.instanceId : undefined, '<instance-id>')}${tokens}${hop}${judged.length > 1 ? ` (likewise for the other instances, each to its maximum in details.instances)` : ''}`,
        rule === 'v1' ? IMDSV1_CALLERS : CONTAINERS,
        ...(rule === 'v1' && eventName === 'RunInstances'
          ? [
              `Launch with --metadata-options HttpTokens=required (or a launch template that sets it), and make it the default for new instances: aws ec2 modify-instance-metadata-defaults --region ${cliRegion} --http-tokens required`,
            ]
          : []),
        ...(undecided
          ? [
              'Make its IMDS profile certain: tag it as imds.profiles[].match.tags says, or list its id in match.instanceIds.',
            ]
          : []),
      ],
      ...(targets.length > 0
        ? { remediation: { action: 'enforce-imdsv2', params: { region, instances: targets } } }
        : {}),
    },
  ];
}

function templateMatch(rule: ImdsRule, j: TemplateJudgement): RuleMatch[] {
  if (!takes(rule, j)) return [];
  const t = j.template;
  const name = `Launch template ${t.templateName ?? t.templateId}${t.version !== undefined ? ` version ${t.version}` : ''}`;
  const summary =
    rule === 'v1' && j.imdsv1 === 'possible' && t.sourceVersion !== undefined
      ? `${name} sets no HttpTokens and starts from version ${t.sourceVersion}, which the record does not show: its instances may accept IMDSv1.`
      : `${name} launches instances ${rule === 'v1' ? (j.imdsv1 === 'yes' ? 'with IMDSv1' : 'that may have IMDSv1') : 'with a hop limit above the maximum'}: ${stateOf(rule, j)}.`;
  const which = t.templateId
    ? `--launch-template-id ${shellArg(t.templateId, '<launch-template-id>')}`
    : `--launch-template-name ${shellArg(t.templateName, '<launch-template-name>')}`;
  const region = shellArg(t.region, '<region>');
  // The hop limit it keeps, lowered to the maximum when above; left out when unknown (never raised).
  const hop = j.hopLimit === undefined ? undefined : Math.min(j.hopLimit, j.requirement.maxHopLimit);
  const data = JSON.stringify({
    MetadataOptions: {
      HttpTokens: rule === 'hop' && j.httpTokens ? j.httpTokens : 'required',
      HttpEndpoint: 'enabled',
      ...(hop !== undefined ? { HttpPutResponseHopLimit: hop } : {}),
    },
  });
  return [
    {
      summary,
      resource: t.resource,
      details: {
        templateId: t.templateId ?? null,
        templateName: t.templateName ?? null,
        version: t.version ?? null,
        ...(t.sourceVersion ? { sourceVersion: t.sourceVersion } : {}),
        httpTokens: j.httpTokens ?? null,
        hopLimit: j.hopLimit ?? null,
        maxHopLimit: j.requirement.maxHopLimit,
        profile: j.requirement.profile ?? null,
        profilePath: j.requirement.path,
        instanceTags: t.instanceTags,
        problems: [
          ...(rule === 'v1' ? [j.imdsv1 === 'yes' ? 'imdsv1' : 'imdsv1-possible'] : []),
          ...(j.hopAbove ? ['hop-limit'] : []),
        ],
      },
      ...(rule === 'v1' && j.imdsv1 === 'possible' ? { severity: 'medium' as Severity } : {}),
      nextSteps: [
        `A version cannot be edited: publish a compliant one, aws ec2 create-launch-template-version --region ${region} ${which}${t.version !== undefined ? ` --source-version ${t.version}` : ''} --launch-template-data '${data}'`,
        `Make it the default (aws ec2 modify-launch-template --region ${region} ${which} --default-version <the new version>) and point Auto Scaling groups that name a version at it; instances already launched keep their settings.`,
        ...(rule === 'hop' ? [CONTAINERS] : []),
      ],
    },
  ];
}

/** A rule's match for an event's judgement, if any: one finding per event, each instance in one finding. */
export function imdsMatches(rule: ImdsRule, judgement: ImdsJudgement, eventName: string): RuleMatch[] {
  return judgement.kind === 'template'
    ? templateMatch(rule, judgement)
    : instancesMatch(rule, judgement, eventName);
}
