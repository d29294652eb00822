import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { imdsMatches } from './imds.ts';

/**
 * An instance, a launch or a launch template left accepting IMDSv1 where the baseline requires IMDSv2. When the
 * hop limit is also above the maximum, that is in this same finding (ec2.imds.hop-limit stays quiet for it).
 */
export const imdsV1Allowed = defineRule({
  id: RuleId.imdsV1Allowed,
  title: 'Instance allows IMDSv1',
  rationale:
    'With IMDSv1 any server-side request forgery on the instance can read its role credentials from 169.254.169.254 (the 2019 Capital One breach). IMDSv2 session tokens stop that.',
  nextSteps: ['Require IMDSv2: HttpTokens required (guardrail does it when the rule is in enforce mode).'],
  severity: 'high',
  events: [
    'ModifyInstanceMetadataOptions',
    'RunInstances',
    'CreateLaunchTemplate',
    'CreateLaunchTemplateVersion',
  ],
  remediation: 'enforce-imdsv2',
  evaluate(subject, { inputs }) {
    return imdsMatches('v1', inputs.imds, subject.kind);
  },
});
