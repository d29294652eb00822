/**
 * AWS console links for a finding: the resource and, for CloudTrail findings, the event. Every component
 * that came from an event is percent-encoded, parentheses included, so a link cannot break out of its markup.
 */
import type { Finding } from '../core/types.ts';

export interface ConsoleLink {
  readonly label: string;
  readonly url: string;
}

function encode(component: string): string {
  return encodeURIComponent(component).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;

function regionHost(region: string): string | undefined {
  return REGION.test(region) ? `https://${region}.console.aws.amazon.com` : undefined;
}

function resourceLink(resource: string, region: string): ConsoleLink | undefined {
  const arn = /^arn:aws:([a-z0-9-]+):([a-z0-9-]*):(\d*):(.+)$/.exec(resource);
  if (!arn) return undefined;
  const [, service, arnRegion, , rest = ''] = arn;
  if (service === 'iam') {
    const [kind, ...path] = rest.split('/');
    const name = path[path.length - 1];
    if (!name) return undefined;
    if (kind === 'user') {
      return {
        label: 'IAM user',
        url: `https://console.aws.amazon.com/iam/home#/users/details/${encode(name)}`,
      };
    }
    if (kind === 'role') {
      return {
        label: 'IAM role',
        url: `https://console.aws.amazon.com/iam/home#/roles/details/${encode(name)}`,
      };
    }
    return undefined;
  }
  if (service === 'ec2' && rest.startsWith('instance/')) {
    const where = arnRegion || region;
    const host = regionHost(where);
    const id = rest.slice('instance/'.length);
    if (!host) return undefined;
    return {
      label: 'EC2 instance',
      url: `${host}/ec2/home?region=${encode(where)}#InstanceDetails:instanceId=${encode(id)}`,
    };
  }
  return undefined;
}

function eventLink(finding: Finding): ConsoleLink | undefined {
  // Sweep findings have no CloudTrail event behind them.
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(finding.eventId))
    return undefined;
  if (finding.eventName === 'OrphanSweep' || finding.eventName === 'StateScan') return undefined;
  const host = regionHost(finding.region);
  if (!host) return undefined;
  return {
    label: 'CloudTrail event',
    url: `${host}/cloudtrailv2/home?region=${encode(finding.region)}#/events/${encode(finding.eventId)}`,
  };
}

export function consoleLinks(finding: Finding): ConsoleLink[] {
  return [resourceLink(finding.resource, finding.region), eventLink(finding)].filter(
    (link): link is ConsoleLink => link !== undefined,
  );
}
