import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { enforceImdsV2 } from './imds.ts';

export const imdsHopLimit = defineRule({
  id: RuleId.imdsHopLimit,
  title: 'Instance metadata hop limit above baseline',
  rationale:
    'Each extra hop lets IMDS responses travel one network layer further: beyond what containers on the host need, role credentials reach places they should not.',
  nextSteps: [
    'Lower HttpPutResponseHopLimit to the baseline value (2 for hosts running containers, else 1).',
  ],
  severity: 'medium',
  events: ['ModifyInstanceMetadataOptions'],
  remediation: 'enforce-imdsv2',
  evaluate(subject, { record, baseline }) {
    const hopLimit = subject.resulting.hopLimit;
    if (hopLimit === undefined || hopLimit <= baseline.imds.maxHopLimit) return [];
    return [
      {
        summary: `Instance ${subject.instanceId} hop limit is now ${hopLimit}; the baseline allows at most ${baseline.imds.maxHopLimit}.`,
        resource: subject.instanceArn,
        details: {
          instanceId: subject.instanceId,
          hopLimit,
          maxHopLimit: baseline.imds.maxHopLimit,
          requested: subject.requested,
          resulting: subject.resulting,
        },
        remediation: enforceImdsV2(subject, record.awsRegion, baseline),
      },
    ];
  },
});
