import { isDeployer } from '../baseline/baseline.ts';
import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import type { GuardrailSubject, StackResourceType } from '../events/subjects/index.ts';

const WHAT: Readonly<Record<StackResourceType, string>> = {
  rule: 'EventBridge rule',
  'event-bus': 'Event bus',
  function: 'Function',
  topic: 'Findings topic',
  subscription: 'A subscription to topic',
  queue: 'Queue',
  table: 'Table',
};

/** What the change costs guardrail, by the kind of resource. */
const CONSEQUENCE: Readonly<Record<StackResourceType, string>> = {
  rule: 'the events it delivers may no longer reach guardrail',
  'event-bus': 'the events other accounts and regions forward to it no longer reach guardrail',
  function: 'the events it judges may go unjudged, or be judged by other code',
  topic: 'findings may no longer reach anyone',
  subscription: 'findings may no longer reach that subscriber',
  queue: 'failed events kept there for a person may be lost',
  table: 'the functions may fail on every event (their exactly-once records live there)',
};

function fix(subject: GuardrailSubject): string {
  switch (subject.resourceType) {
    case 'rule':
      return subject.kind === 'DisableRule'
        ? `Enable it again now (aws events enable-rule --name ${subject.name}${subject.eventBus === 'default' ? '' : ` --event-bus-name ${subject.eventBus}`}), then redeploy the guardrail stack (npm run deploy), which puts back its rules, patterns and targets.`
        : 'Redeploy the guardrail stack (npm run deploy): it puts back its rules, their patterns and their targets.';
    case 'subscription':
      return 'Subscribe the endpoint again (or redeploy the stack for its own email subscription) and confirm it.';
    default:
      return 'Redeploy the guardrail stack (npm run deploy): it puts back its functions, topic, queues and table as they are defined.';
  }
}

const STEPS = [
  'Find out who made the call and why; if it was a deployment, add that principal to guardrail.deployers in the baseline.',
  'Look at what else the caller did: a silenced guardrail is usually the step before the change it was silenced for.',
];

export const guardrailTamper = defineRule({
  id: RuleId.guardrailTamper,
  title: "guardrail's own stack changed by someone other than its deployers",
  rationale:
    'Switching off whatever watches the account is the step after blinding the trail: a disabled rule, a replaced function or a deleted topic silences guardrail without a sound, so any change to it outside a deployment is treated as an attack until shown otherwise.',
  nextSteps: STEPS,
  severity: 'critical',
  events: [
    'DisableRule',
    'DeleteRule',
    'PutRule',
    'RemoveTargets',
    'PutTargets',
    'DeleteEventBus',
    'UpdateFunctionCode',
    'UpdateFunctionConfiguration',
    'DeleteFunction',
    'PutFunctionConcurrency',
    'RemovePermission',
    'DeleteTopic',
    'SetTopicAttributes',
    'Unsubscribe',
    'SetSubscriptionAttributes',
    'DeleteQueue',
    'SetQueueAttributes',
    'PurgeQueue',
    'DeleteTable',
  ],
  remediation: null,
  evaluate(subject, { baseline, record }) {
    if (!subject.name.startsWith(baseline.resourcePrefix)) return [];
    // A reserved concurrency above 0 slows a function down; 0 stops every invocation.
    if (subject.kind === 'PutFunctionConcurrency' && subject.concurrency !== 0) return [];
    if (isDeployer(baseline, record)) return [];
    const change =
      subject.kind === 'PutFunctionConcurrency' ? 'throttled to 0: it can no longer run' : subject.change;
    return [
      {
        summary: `${WHAT[subject.resourceType]} ${subject.name} was ${change}, outside a deployment: ${CONSEQUENCE[subject.resourceType]}.`,
        resource: subject.arn,
        details: {
          resourceType: subject.resourceType,
          name: subject.name,
          ...(subject.eventBus && subject.eventBus !== 'default' ? { eventBus: subject.eventBus } : {}),
          change,
          ...subject.facts,
          resourcePrefix: baseline.resourcePrefix,
          deployers: baseline.deployers.length > 0 ? baseline.deployers : 'none named (guardrail.deployers)',
        },
        nextSteps: [fix(subject), ...STEPS],
      },
    ];
  },
});
