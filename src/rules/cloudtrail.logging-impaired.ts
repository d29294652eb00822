import type { TrailBaseline } from '../baseline/baseline.ts';
import type { RuleMatch } from '../core/rule.ts';
import { defineRule } from '../core/rule.ts';
import type { Severity } from '../core/types.ts';
import { RuleId, severityRank } from '../core/types.ts';
import type { TrailRef, TrailSettings } from '../events/subjects/index.ts';
import { watchedTrail, writeManagementRecording } from './trails.ts';

/** One way the call impairs the trail, with how bad it is. */
interface Impairment {
  readonly what: string;
  readonly severity: Severity;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function worst(impairments: readonly Impairment[]): Severity {
  return impairments.reduce<Severity>(
    (max, i) => (severityRank(i.severity) > severityRank(max) ? i.severity : max),
    'info',
  );
}

function trailDetails(trail: TrailRef, entry: TrailBaseline | undefined): Record<string, unknown> {
  return {
    trailName: trail.name,
    trailArn: trail.arn,
    region: trail.region,
    baselinePath: entry?.path ?? 'trails (empty: every trail is watched)',
  };
}

/** What an UpdateTrail changed for the worse; a new prefix inside the same bucket is not among them. */
function updateImpairments(requested: TrailSettings, entry: TrailBaseline | undefined): Impairment[] {
  const found: Impairment[] = [];
  if (requested.isMultiRegionTrail === false) {
    found.push({
      what: 'it is single-region now: calls in every other region are no longer recorded',
      severity: 'critical',
    });
  }
  if (requested.includeGlobalServiceEvents === false) {
    found.push({
      what: 'it no longer records global service events (IAM, STS, CloudFront)',
      severity: 'critical',
    });
  }
  if (requested.isOrganizationTrail === false) {
    found.push({
      what: "it is no longer an organisation trail: the member accounts' calls are no longer recorded",
      severity: 'critical',
    });
  }
  const bucket = requested.s3BucketName;
  if (bucket !== undefined) {
    if (entry?.bucket === undefined) {
      found.push({
        what: `it now delivers to bucket ${bucket}; the baseline names no bucket for this trail, so whether the logs moved cannot be told (name it under trails[].bucket)`,
        severity: 'high',
      });
    } else if (bucket !== entry.bucket) {
      found.push({
        what: `it now delivers to bucket ${bucket}, not ${entry.bucket} (${entry.path}.bucket)`,
        severity: 'critical',
      });
    }
  }
  if (requested.enableLogFileValidation === false) {
    found.push({
      what: 'log file integrity validation is off: edited or deleted log files can no longer be told apart',
      severity: 'medium',
    });
  }
  return found;
}

function updateFix(trail: TrailRef, requested: TrailSettings, entry: TrailBaseline | undefined): string {
  const flags = [
    requested.isMultiRegionTrail === false ? '--is-multi-region-trail' : '',
    requested.includeGlobalServiceEvents === false ? '--include-global-service-events' : '',
    requested.isOrganizationTrail === false ? '--is-organization-trail' : '',
    entry?.bucket !== undefined &&
    requested.s3BucketName !== undefined &&
    requested.s3BucketName !== entry.bucket &&
    BUCKET.test(entry.bucket)
      ? `--s3-bucket-name ${entry.bucket}`
      : '',
    requested.enableLogFileValidation === false ? '--enable-log-file-validation' : '',
  ].filter(Boolean);
  return flags.length > 0
    ? `Put the settings back: aws cloudtrail update-trail --name ${trail.arn} --region ${trail.region} ${flags.join(' ')}.`
    : `Put the trail's settings back as its definition says (aws cloudtrail update-trail --name ${trail.arn} --region ${trail.region}).`;
}

const INVESTIGATE =
  "Find out what else the caller did around this time: the calls the trail missed are still in CloudTrail's 90-day event history of each region (guardrail replay --lookup).";
const REVOKE =
  'Take the cloudtrail: write permissions away from whoever does not need them (a never-grant statement in the baseline, or an SCP denying them outside the deployment role).';

export const loggingImpaired = defineRule({
  id: RuleId.loggingImpaired,
  title: 'CloudTrail logging stopped or narrowed',
  rationale:
    "Blinding the trail is an intruder's first move: every other detection, guardrail's own included, reads what CloudTrail records, and what it no longer records cannot be investigated later.",
  nextSteps: [INVESTIGATE, REVOKE],
  severity: 'critical',
  events: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors'],
  remediation: 'restore-logging',
  evaluate(subject, { baseline }): RuleMatch[] {
    const trail = subject.trail;
    if (!trail) return [];
    const watched = watchedTrail(baseline, trail);
    if (!watched.watched) return [];
    const { entry } = watched;
    const details = trailDetails(trail, entry);
    switch (subject.kind) {
      case 'StopLogging':
        return [
          {
            summary: `Trail ${trail.name} was stopped: nothing is recorded until it is started again.`,
            resource: trail.arn,
            details,
            remediation: {
              action: 'restore-logging',
              params: { trailArn: trail.arn, trailName: trail.name, region: trail.region },
            },
            nextSteps: [
              `Start it again: aws cloudtrail start-logging --name ${trail.arn} --region ${trail.region} (guardrail does it when the rule's mode is enforce).`,
              INVESTIGATE,
              REVOKE,
            ],
          },
        ];
      case 'DeleteTrail':
        return [
          {
            summary: `Trail ${trail.name} was deleted: nothing is recorded to its bucket any more.`,
            resource: trail.arn,
            details,
            nextSteps: [
              'Recreate the trail from its definition, with the same bucket and settings: CloudTrail cannot undelete one, and guardrail does not create trails.',
              INVESTIGATE,
              REVOKE,
            ],
          },
        ];
      case 'UpdateTrail': {
        const impairments = updateImpairments(subject.requested, entry);
        if (impairments.length === 0) return [];
        return [
          {
            summary: `Trail ${trail.name} was changed: ${impairments.map((i) => i.what).join('; ')}.`,
            resource: trail.arn,
            severity: worst(impairments),
            details: {
              ...details,
              impairments: impairments.map((i) => i.what),
              requested: subject.requested,
            },
            nextSteps: [updateFix(trail, subject.requested, entry), INVESTIGATE, REVOKE],
          },
        ];
      }
      case 'PutEventSelectors': {
        const recording = writeManagementRecording(subject.selectors);
        if (recording.kind === 'all') return [];
        const fix = `Record write management events again: aws cloudtrail put-event-selectors --trail-name ${trail.arn} --region ${trail.region} with a selector of all management events (ReadWriteType All, IncludeManagementEvents true, or an advanced selector eventCategory = Management), keeping the data selectors the trail needs.`;
        if (recording.kind === 'none') {
          return [
            {
              summary: `Trail ${trail.name} no longer records write management events (${recording.why}): changes to the account go unrecorded.`,
              resource: trail.arn,
              details: { ...details, selectors: subject.selectors.kind, why: recording.why },
              nextSteps: [fix, INVESTIGATE, REVOKE],
            },
          ];
        }
        return [
          {
            summary: `Trail ${trail.name} records only part of the write management events: ${recording.limits.join('; ')}.`,
            resource: trail.arn,
            severity: 'high',
            details: { ...details, selectors: subject.selectors.kind, limits: recording.limits },
            nextSteps: [fix, INVESTIGATE],
          },
        ];
      }
      case 'PutInsightSelectors':
        if (subject.insightTypes.length > 0) return [];
        return [
          {
            summary: `CloudTrail Insights was turned off on trail ${trail.name}: unusual rates of write calls and errors are no longer flagged (the trail still records every call).`,
            resource: trail.arn,
            severity: 'medium',
            details,
            nextSteps: [
              `Turn Insights back on if the trail had it: aws cloudtrail put-insight-selectors --trail-name ${trail.arn} --region ${trail.region} --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'.`,
              INVESTIGATE,
            ],
          },
        ];
    }
  },
});
