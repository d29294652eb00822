import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { imdsMatches } from './imds.ts';

/**
 * A hop limit above the instance's maximum (its IMDS profile's, else the account's), on an instance that
 * ec2.imds.v1-allowed does not already report: one finding per instance and event.
 */
export const imdsHopLimit = defineRule({
  id: RuleId.imdsHopLimit,
  title: 'Instance metadata hop limit above baseline',
  rationale:
    'Each extra hop lets IMDS responses travel one network layer further: beyond what containers on the host need, role credentials reach places they should not.',
  nextSteps: ['Lower HttpPutResponseHopLimit to the maximum the baseline sets for the instance.'],
  severity: 'medium',
  events: [
    'ModifyInstanceMetadataOptions',
    'RunInstances',
    'CreateLaunchTemplate',
    'CreateLaunchTemplateVersion',
  ],
  remediation: 'enforce-imdsv2',
  evaluate(subject, { inputs }) {
    return imdsMatches('hop', inputs.imds, subject.kind);
  },
});
