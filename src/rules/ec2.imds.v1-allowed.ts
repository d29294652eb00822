import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { enforceImdsV2 } from './imds.ts';

export const imdsV1Allowed = defineRule({
  id: RuleId.imdsV1Allowed,
  title: 'Instance allows IMDSv1',
  rationale:
    'With IMDSv1 any server-side request forgery on the instance can read its role credentials from 169.254.169.254 (the 2019 Capital One breach). IMDSv2 session tokens stop that.',
  nextSteps: [
    'Set HttpTokens to required (guardrail does it when the rule is in enforce mode).',
    'Keep the hop limit the instance needs: 2 where containers reach IMDS through a bridge network.',
  ],
  severity: 'high',
  events: ['ModifyInstanceMetadataOptions'],
  remediation: 'enforce-imdsv2',
  evaluate(subject, { record, baseline }) {
    const { resulting } = subject;
    if (resulting.httpTokens !== 'optional' || resulting.httpEndpoint === 'disabled') return [];
    return [
      {
        summary: `Instance ${subject.instanceId} now accepts IMDSv1 (HttpTokens optional); the baseline requires IMDSv2.`,
        resource: subject.instanceArn,
        details: {
          instanceId: subject.instanceId,
          requested: subject.requested,
          resulting,
          required: { httpTokens: baseline.imds.httpTokens, hopLimit: baseline.imds.hopLimit },
        },
        remediation: enforceImdsV2(subject, record.awsRegion, baseline),
      },
    ];
  },
});
