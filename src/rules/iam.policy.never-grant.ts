import { defineRule } from '../core/rule.ts';
import { RuleId } from '../core/types.ts';
import { PERMISSION_EVENTS } from '../events/subjects/index.ts';
import { describeGroup, groupWitnesses } from '../policy/witnesses.ts';
import type { NeverGrantHit } from './neverGrant.ts';
import { neverGrantHitsOf } from './neverGrant.ts';
import type { GainedDocument, PolicyAnalysis } from './policyAnalysis.ts';
import { judged, partitionOf, targetLabel } from './policyAnalysis.ts';

/** The summary names this many witness lines; details hold up to MAX_HITS. */
const SUMMARY_HITS = 3;
const MAX_HITS = 50;

/**
 * The documents that take effect for some principal by this call, once each: those judged for a principal (or
 * a policy's holders), and those its baseline approves outright. A policy version that is not the default (a
 * new policy, a version kept aside) grants nobody anything yet: its attachment or promotion is judged then.
 */
export function documentsInEffect(analysis: PolicyAnalysis, inEffect: boolean): GainedDocument[] {
  if (!inEffect) return [];
  const documents = new Map<string, GainedDocument>();
  for (const { judgement } of judged(analysis)) {
    // A baseline envelope standing in for an unreadable document is the baseline's word, not the grant.
    if (!judgement.document.standIn) documents.set(judgement.document.key, judgement.document);
  }
  for (const document of analysis.carried ?? []) documents.set(document.key, document);
  return [...documents.values()];
}

export const policyNeverGrant = defineRule({
  id: RuleId.policyNeverGrant,
  title: 'Policy allows access the baseline never grants anyone',
  rationale:
    'Some access is wrong for every principal, known to the baseline or not, whatever its envelope says: passing any role, deleting the buckets the systems live in, scheduling a key deletion, stopping the trail, leaving the organisation. The baseline lists it under neverGrant; whatever path brings it (inline, attached, a new policy version, a group, a removed boundary) is reported.',
  nextSteps: [
    'Take the grant away now: delete the inline policy or the statement, detach the policy, set the previous default version, or remove the user from the group.',
    'Find out who made the call and whether the access was used (CloudTrail, IAM last accessed).',
    'If some principal truly needs it, narrow the neverGrant statement in the baseline through review rather than widening the policy.',
  ],
  severity: 'critical',
  events: PERMISSION_EVENTS,
  remediation: null,
  evaluate(subject, { inputs, baseline }) {
    if (baseline.neverGrant.length === 0) return [];
    const analysis = inputs.policy;
    const inEffect =
      subject.kind === 'CreatePolicy'
        ? false
        : subject.kind === 'CreatePolicyVersion'
          ? subject.setAsDefault
          : true;
    const partition = partitionOf(analysis.resource);
    const documents = documentsInEffect(analysis, inEffect);
    const hits: (NeverGrantHit & { readonly document: string })[] = [];
    for (const document of documents) {
      const label = documents.length > 1 ? document.label : undefined;
      for (const hit of neverGrantHitsOf(document, baseline.neverGrant, partition)) {
        hits.push({
          ...hit,
          document: document.label,
          ...(label ? { statement: `${label} ${hit.statement}` } : {}),
        });
      }
    }
    if (hits.length === 0) return [];
    const broken = [...new Map(hits.map((h) => [h.neverGrant, h.sid])).entries()].map(([path, sid]) =>
      sid ? `${path} (${sid})` : path,
    );
    const lines = groupWitnesses(hits, false);
    const shown = lines
      .slice(0, SUMMARY_HITS)
      .map((line) => describeGroup(line))
      .join('; ');
    const more = lines.length > SUMMARY_HITS ? ` and ${lines.length - SUMMARY_HITS} more` : '';
    const gainedBy = analysis.targets
      .filter((t) => t.kind !== 'policy')
      .map((t) => ({ principal: targetLabel(t), arn: t.arn, baselinePath: t.baselinePath ?? null }));
    return [
      {
        summary: `${analysis.what} allows what the baseline never grants anyone (${broken.join(', ')}): ${shown}${more}.`,
        resource: analysis.resource,
        details: {
          ...analysis.details,
          neverGrant: broken,
          ...(gainedBy.length > 0 ? { gainedBy } : {}),
          documents: documents.map((d) => d.label),
          violationCount: hits.length,
          violations: hits.slice(0, MAX_HITS).map((h) => ({
            neverGrant: h.neverGrant,
            ...(h.sid ? { sid: h.sid } : {}),
            action: h.action,
            resource: h.resource,
            ...(h.example ? { example: h.example } : {}),
            statement: h.statement,
            document: h.document,
            ...(h.conservative ? { conservative: h.conservative } : {}),
          })),
        },
      },
    ];
  },
});
