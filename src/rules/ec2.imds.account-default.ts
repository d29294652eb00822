import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId } from '../core/types.ts';
import { shellArg } from './imdsProfile.ts';

/**
 * ModifyInstanceMetadataDefaults, the region's default for instances launched without metadata options: judged
 * on what the call sets. A field it leaves out keeps its earlier value, which the record does not show (that
 * value was judged when it was set).
 */
export const imdsAccountDefault = defineRule({
  id: RuleId.imdsAccountDefault,
  title: 'Account default for new instances allows IMDSv1 or a high hop limit',
  rationale:
    "Every instance launched in the region without its own metadata options takes this default: a default that allows IMDSv1 (or a hop limit beyond the baseline's) quietly brings back the credential theft IMDSv2 stops, on each new instance.",
  nextSteps: ['Set the default back to HttpTokens required and the baseline hop limit.'],
  severity: 'high',
  events: ['ModifyInstanceMetadataDefaults'],
  remediation: null,
  evaluate(subject, { baseline }) {
    // New instances get their metadata endpoint disabled by default: nothing to read credentials from.
    if (subject.httpEndpoint === 'disabled') return [];
    const max = baseline.imds.maxHopLimit;
    const problems: string[] = [];
    if (subject.httpTokens === 'optional') problems.push('allows IMDSv1 (HttpTokens optional)');
    if (subject.httpTokens === 'no-preference') {
      problems.push(
        'no longer requires IMDSv2 (HttpTokens no-preference: launches that set none take the AMI setting, IMDSv1 unless the AMI requires tokens)',
      );
    }
    if (typeof subject.hopLimit === 'number' && subject.hopLimit > max) {
      problems.push(`sets hop limit ${subject.hopLimit}, above the account maximum of ${max}`);
    }
    if (subject.hopLimit === 'no-preference' && max < 2) {
      problems.push(
        `clears the hop limit (no-preference: AMIs with ImdsSupport v2.0 then give 2, above the account maximum of ${max})`,
      );
    }
    if (problems.length === 0) return [];
    // IMDSv1 for certain is the rule's severity; what may lead to it, or extra hops, is medium.
    const severity: Severity = subject.httpTokens === 'optional' ? 'high' : 'medium';
    const unchanged = (['httpTokens', 'hopLimit', 'httpEndpoint'] as const).filter(
      (f) => subject[f] === undefined,
    );
    return [
      {
        summary: `The default for new instances in ${subject.region} ${problems.join(', and ')}.`,
        resource: `arn:aws:ec2:${subject.region}:${subject.account}:instance-metadata-defaults`,
        severity,
        details: {
          region: subject.region,
          httpTokens: subject.httpTokens ?? null,
          hopLimit: subject.hopLimit ?? null,
          httpEndpoint: subject.httpEndpoint ?? null,
          maxHopLimit: max,
          // What the call left as it was (not in the record).
          unchanged,
        },
        nextSteps: [
          `Set it back: aws ec2 modify-instance-metadata-defaults --region ${shellArg(subject.region, '<region>')} --http-tokens required --http-put-response-hop-limit ${max}`,
          'The default applies to launches that set no metadata options of their own; instances already running keep theirs (ec2.imds.v1-allowed reports launches that allow IMDSv1).',
        ],
      },
    ];
  },
});
