/**
 * The scheduled check of guardrail's own state, pure: a small snapshot of what the stack and the trails look like
 * now (read by stackReader.ts) and the baseline in, findings out. The events tell guardrail when someone stops a
 * trail or disables a rule; this check notices what the events cannot (a change made while guardrail was already
 * deaf, a trail stopped before guardrail was deployed) within one schedule period.
 *
 * - a watched trail (the baseline's `trails`, or every trail when it names none) that is not logging, or that the
 *   baseline names and no longer exists: `cloudtrail.logging-impaired`, critical;
 * - one of the stack's EventBridge rules not ENABLED, or one of its functions missing or throttled to a reserved
 *   concurrency of 0: `guardrail.tamper`, critical.
 *
 * No AWS client, no clock: every case is a table-driven test, and another scheduled job can call it as it is.
 */
import type { Baseline } from '../baseline/baseline.ts';
import type { Finding, RuleId } from '../core/types.ts';
import { suppressionFor } from '../engine/suppression.ts';
import { loggingImpaired } from '../rules/cloudtrail.logging-impaired.ts';
import { guardrailTamper } from '../rules/guardrail.tamper.ts';

export const STACK_CHECK_EVENT_NAME = 'StackStateCheck';

export interface TrailState {
  readonly name: string;
  readonly arn: string;
  readonly homeRegion: string;
  readonly isLogging: boolean;
}

export interface RuleState {
  readonly name: string;
  /** `default`, or the central bus's name. */
  readonly eventBus: string;
  readonly arn: string;
  /** `ENABLED`, `DISABLED`, `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`... as EventBridge says. */
  readonly state: string;
}

export type FunctionState =
  | {
      readonly name: string;
      readonly arn: string;
      readonly present: true;
      readonly reservedConcurrency?: number;
    }
  | { readonly name: string; readonly arn: string; readonly present: false };

export interface StackSnapshot {
  readonly account: string;
  readonly region: string;
  readonly takenAt: string;
  /** Every trail this region's DescribeTrails lists (organisation trails included), with its status. */
  readonly trails: readonly TrailState[];
  /** The stack's rules (names starting with its prefix) on the default and central buses. */
  readonly rules: readonly RuleState[];
  /** The stack's functions, present or not. */
  readonly functions: readonly FunctionState[];
  /** What could not be read, and why: said in the result, never taken for healthy. */
  readonly unreadable: readonly { readonly what: string; readonly error: string }[];
}

export interface StackCheckOptions {
  /** Identifies this run: findings carry it as their eventId (the scheduled event's id). */
  readonly checkId: string;
}

export interface StackCheckResult {
  readonly findings: readonly Finding[];
  readonly suppressed: number;
}

function trailMatches(trail: TrailState, named: string): boolean {
  return named === trail.name || named === trail.arn || named.endsWith(`:trail/${trail.name}`);
}

const ACTIVE_RULE = /^ENABLED/;

export function judgeStack(
  snapshot: StackSnapshot,
  baseline: Baseline,
  options: StackCheckOptions,
): StackCheckResult {
  const all: Finding[] = [];
  const finding = (
    rule: typeof loggingImpaired | typeof guardrailTamper,
    summary: string,
    resource: string,
    details: Record<string, unknown>,
    nextSteps: readonly string[],
  ): Finding => ({
    ruleId: rule.id as RuleId,
    severity: baseline.rules[rule.id].severity ?? 'critical',
    title: rule.title,
    rationale: rule.rationale,
    nextSteps,
    summary,
    eventId: options.checkId,
    eventName: STACK_CHECK_EVENT_NAME,
    eventTime: snapshot.takenAt,
    account: snapshot.account,
    region: snapshot.region,
    actor: 'unknown (found by the scheduled check)',
    sourceIp: '',
    resource,
    details: { check: 'scheduled', ...details },
    remediation: null,
  });

  if (baseline.rules[loggingImpaired.id].enabled) {
    const watched =
      baseline.trails.length > 0
        ? baseline.trails.map((entry) => ({
            entry,
            trail: snapshot.trails.find((t) => trailMatches(t, entry.name)),
          }))
        : snapshot.trails.map((trail) => ({ entry: undefined, trail }));
    for (const { entry, trail } of watched) {
      if (!trail && entry) {
        all.push(
          finding(
            loggingImpaired,
            `Trail ${entry.name} (${entry.path}) no longer exists: nothing records the account's calls there.`,
            entry.name,
            { trailName: entry.name, baselinePath: entry.path, found: false },
            [
              'Find out who deleted it (CloudTrail event history keeps DeleteTrail for 90 days) and recreate the trail with its bucket, multi-region and global service events.',
              ...loggingImpaired.nextSteps,
            ],
          ),
        );
      } else if (trail && !trail.isLogging) {
        all.push(
          finding(
            loggingImpaired,
            `Trail ${trail.name} is not logging: nothing records the account's calls through it.`,
            trail.arn,
            {
              trailName: trail.name,
              trailArn: trail.arn,
              region: trail.homeRegion,
              isLogging: false,
              ...(entry ? { baselinePath: entry.path } : {}),
            },
            [
              `Start it again: aws cloudtrail start-logging --name ${trail.arn} --region ${trail.homeRegion}.`,
              ...loggingImpaired.nextSteps,
            ],
          ),
        );
      }
    }
  }

  if (baseline.rules[guardrailTamper.id].enabled) {
    for (const rule of snapshot.rules) {
      if (ACTIVE_RULE.test(rule.state)) continue;
      const bus = rule.eventBus === 'default' ? '' : ` --event-bus-name ${rule.eventBus}`;
      all.push(
        finding(
          guardrailTamper,
          `EventBridge rule ${rule.name} is ${rule.state.toLowerCase()}: the events it delivers no longer reach guardrail.`,
          rule.arn,
          { resourceType: 'rule', name: rule.name, eventBus: rule.eventBus, state: rule.state },
          [
            `Enable it again now (aws events enable-rule --name ${rule.name}${bus}), then redeploy the guardrail stack (npm run deploy).`,
            ...guardrailTamper.nextSteps,
          ],
        ),
      );
    }
    for (const fn of snapshot.functions) {
      const silenced = !fn.present || fn.reservedConcurrency === 0;
      if (!silenced) continue;
      all.push(
        finding(
          guardrailTamper,
          fn.present
            ? `Function ${fn.name} is throttled to a reserved concurrency of 0: it can no longer run.`
            : `Function ${fn.name} no longer exists: the events it judges go unjudged.`,
          fn.arn,
          {
            resourceType: 'function',
            name: fn.name,
            ...(fn.present ? { reservedConcurrency: 0 } : { present: false }),
          },
          [
            fn.present
              ? `Remove the limit now (aws lambda delete-function-concurrency --function-name ${fn.name}), then redeploy the guardrail stack (npm run deploy).`
              : 'Redeploy the guardrail stack (npm run deploy): it puts back its functions as they are defined.',
            ...guardrailTamper.nextSteps,
          ],
        ),
      );
    }
  }

  const findings: Finding[] = [];
  let suppressed = 0;
  for (const f of all) {
    if (suppressionFor(f, baseline.suppressions)) suppressed++;
    else findings.push(f);
  }
  return { findings, suppressed };
}
