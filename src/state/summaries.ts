/**
 * How a state finding reads. The rules phrase their findings for events ("alice created IAM user bob"); a scan
 * finding is about what the account holds now, with nobody known to have done it. Rules whose summaries
 * describe the document or the instance (policy drift, wildcard, IMDS) read right as they are; the ones that
 * name who did what get a state sentence here, from the rule's details and the piece of state. A rule this
 * table does not know yet gets a generic sentence (its own text stays in details.asEvent).
 */
import { GuardrailTag } from '../core/tags.ts';
import type { Finding, RuleId } from '../core/types.ts';
import type { StateItem } from './records.ts';
import type { AccountState } from './state.ts';

/** The piece of state in words: `role XploreEC2Role`, `inline policy P of role R`. */
export function describeItem(item: StateItem): string {
  switch (item.kind) {
    case 'user':
      return `IAM user ${item.userName}`;
    case 'login-profile':
      return `the console password of ${item.userName}`;
    case 'access-key':
      return item.userName === null
        ? 'an access key of the account root user'
        : `access key ${item.accessKeyId ?? ''} of ${item.userName}`.replace('  ', ' ');
    case 'role':
      return `role ${item.roleName}`;
    case 'group':
      return `group ${item.groupName}`;
    case 'inline-policy':
      return `inline policy ${item.policyName} of ${item.principal.kind} ${item.principal.name}`;
    case 'attached-policy':
      return `managed policy ${item.policyArn.slice(item.policyArn.lastIndexOf('/') + 1)} attached to ${item.principal.kind} ${item.principal.name}`;
    case 'group-membership':
      return `${item.userName}'s membership of group ${item.groupName}`;
    case 'boundary':
      return `the permissions boundary of ${item.principal.kind} ${item.principal.name}`;
    case 'managed-policy':
      return `customer-managed policy ${item.policyName} (default version ${item.versionId})`;
    case 'instance':
      return `instance ${item.instanceId} in ${item.region}`;
    case 'metadata-defaults':
      return `the instance metadata defaults of ${item.region}`;
  }
}

function text(details: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = details[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function day(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'an unknown date';
}

type Phrase = (finding: Finding, item: StateItem, state: AccountState) => string | undefined;

/** Rules whose event summary names who did it, said as state. */
const PHRASES: Partial<Record<RuleId, Phrase>> = {
  'iam.user.unexpected': (finding, item, state) => {
    if (item.kind !== 'user') return undefined;
    const matchedBy = text(finding.details, 'matchedBy');
    if (matchedBy) {
      const user = state.users.find((u) => u.userName === item.userName);
      const creator = user?.tags[GuardrailTag.creator];
      return `IAM user ${item.userName} looks ephemeral (${matchedBy}) but ${creator ? `was created by ${creator}, not an expected creator` : `no ${GuardrailTag.creator} tag shows an expected creator made it`}.`;
    }
    return `IAM user ${item.userName} exists and matches no approved or ephemeral pattern of the baseline.`;
  },
  'iam.user.ephemeral': (finding, item) => {
    if (item.kind !== 'user') return undefined;
    return `Ephemeral user ${item.userName} (${text(finding.details, 'matchedBy') ?? 'an ephemeral pattern'}) is not tagged ${GuardrailTag.ephemeral}; created ${day(item.createdAt)}, it should be gone by ${text(finding.details, 'expiresAt') ?? 'its ttl'}.`;
  },
  'iam.accesskey.long-lived': (finding, item) => {
    if (item.kind !== 'access-key') return undefined;
    if (item.userName === null)
      return `The account root user has an active access key (created ${day(item.createdAt)}). Root keys have no permission boundary at all.`;
    const userClass = text(finding.details, 'userClass');
    const rotateBy = text(finding.details, 'rotateBy');
    return `${item.userName}${userClass ? ` (${userClass})` : ''} holds active access key ${item.accessKeyId ?? ''}, created ${day(item.createdAt)}${rotateBy ? `; rotate by ${day(rotateBy)}` : ''}.`.replace(
      ' ,',
      ',',
    );
  },
  'iam.user.console-access': (finding, item) => {
    if (item.kind !== 'login-profile') return undefined;
    const userClass = text(finding.details, 'userClass');
    return `IAM user ${item.userName}${userClass ? ` (${userClass})` : ''} has a console password; the baseline allows it programmatic access only.`;
  },
  'iam.role.unexpected': (_finding, item) =>
    item.kind === 'role'
      ? `Role ${item.roleName} exists; the baseline neither lists it nor matches it by a name pattern.`
      : undefined,
  'iam.role.trust': (finding, item) => {
    if (item.kind !== 'role') return undefined;
    const excess = finding.details.excess;
    const first = Array.isArray(excess) ? (excess[0] as { reason?: unknown } | undefined) : undefined;
    const reason = typeof first?.reason === 'string' ? first.reason : 'allows more than the baseline';
    const more = Array.isArray(excess) && excess.length > 1 ? ` and ${excess.length - 1} more` : '';
    if (text(finding.details, 'unreadable'))
      return `The trust policy of role ${item.roleName} cannot be read (${text(finding.details, 'unreadable')}): who may assume it is unknown.`;
    return `The trust policy of role ${item.roleName} ${reason}${more}.`;
  },
  'iam.boundary.removed': (finding, item) => {
    if (item.kind !== 'boundary') return undefined;
    const expected = text(finding.details, 'expected') ?? 'the baseline boundary';
    const who = `${item.principal.kind} ${item.principal.name}`;
    return item.boundaryArn
      ? `The permissions boundary of ${who} is ${item.boundaryArn}; the baseline requires ${expected}.`
      : `${who[0]?.toUpperCase()}${who.slice(1)} has no permissions boundary; the baseline keeps it bounded by ${expected}.`;
  },
  'iam.policy.no-baseline': (finding, item) => {
    if (item.kind === 'inline-policy' && item.principal.kind === 'role' && text(finding.details, 'roleName'))
      return `Role ${item.principal.name} holds inline policy ${item.policyName} but has no baseline.`;
    return undefined;
  },
};

/** Rules whose own summary describes the document or instance and reads right for state as it is. */
const AS_IS = new Set<RuleId>([
  'iam.policy.drift',
  'iam.policy.wildcard',
  'iam.policy.privesc',
  'iam.policy.no-baseline',
  'iam.policy.unknown-document',
  'iam.policy.never-grant',
  'ec2.imds.v1-allowed',
  'ec2.imds.hop-limit',
  'ec2.imds.account-default',
]);

/** The summary of a finding made from state. */
export function stateSummary(finding: Finding, item: StateItem, state: AccountState): string {
  const phrased = PHRASES[finding.ruleId]?.(finding, item, state);
  if (phrased) return phrased;
  // "Instance i-1 now accepts IMDSv1", "hop limit is now 3": the state simply is. A membership is held, not
  // an addition someone just made.
  if (AS_IS.has(finding.ruleId))
    return finding.summary
      .replace(/ now(?= )/g, '')
      .replace(/^User (\S+) added to group (\S+)/, 'Membership of user $1 in group $2');
  const what = describeItem(item);
  return `${what[0]?.toUpperCase()}${what.slice(1)}, as the account holds it now: ${finding.title.toLowerCase()}.`;
}
