/**
 * Reads the snapshot the scheduled stack check judges (stack.ts): every trail DescribeTrails lists and its
 * GetTrailStatus (asked in the trail's home region), the stack's EventBridge rules on the default and central
 * buses (ListRules by the stack's name prefix), and each of its functions (GetFunction, which also gives the
 * reserved concurrency). A call that fails is listed in `unreadable` with its one-line reason; the rest is read.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { awsErrorName, describeAwsError } from '../aws/errors.ts';
import type { FunctionState, RuleState, StackSnapshot, TrailState } from './stack.ts';

/** What the reader calls: the role of the function that runs the check gets exactly these. */
export const STACK_READ_PERMISSIONS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'events:ListRules',
  'lambda:GetFunction',
] as const;

export interface StackClients {
  /** A CloudTrail client for a region (a trail's status is asked in its home region). */
  readonly cloudTrail: (region: string) => CloudTrailClient;
  readonly events: EventBridgeClient;
  readonly lambda: LambdaClient;
}

export interface StackReadOptions {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** The stack's resource names start with this (`guardrail-prod-`). */
  readonly prefix: string;
  /** The buses its rules are on besides `default` (the central bus). */
  readonly buses: readonly string[];
  /** Its functions' names. */
  readonly functions: readonly string[];
  readonly now: Date;
}

export async function readStackSnapshot(
  clients: StackClients,
  options: StackReadOptions,
): Promise<StackSnapshot> {
  const partition = options.partition ?? 'aws';
  const unreadable: { what: string; error: string }[] = [];
  const trails: TrailState[] = [];
  try {
    const listed = await clients
      .cloudTrail(options.region)
      .send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    for (const trail of listed.trailList ?? []) {
      const name = trail.Name ?? '';
      const arn = trail.TrailARN ?? name;
      const homeRegion = trail.HomeRegion ?? options.region;
      try {
        const status = await clients.cloudTrail(homeRegion).send(new GetTrailStatusCommand({ Name: arn }));
        trails.push({ name, arn, homeRegion, isLogging: status.IsLogging === true });
      } catch (error) {
        unreadable.push({ what: `trail ${arn}`, error: describeAwsError(error) });
      }
    }
  } catch (error) {
    unreadable.push({ what: `the trails of ${options.region}`, error: describeAwsError(error) });
  }

  const rules: RuleState[] = [];
  for (const bus of ['default', ...options.buses]) {
    let nextToken: string | undefined;
    try {
      do {
        const page = await clients.events.send(
          new ListRulesCommand({
            NamePrefix: options.prefix,
            ...(bus === 'default' ? {} : { EventBusName: bus }),
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const rule of page.Rules ?? []) {
          rules.push({
            name: rule.Name ?? '',
            eventBus: bus,
            arn: rule.Arn ?? '',
            state: rule.State ?? 'UNKNOWN',
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      unreadable.push({ what: `the rules of event bus ${bus}`, error: describeAwsError(error) });
    }
  }

  const functions: FunctionState[] = [];
  for (const name of options.functions) {
    const arn = `arn:${partition}:lambda:${options.region}:${options.account}:function:${name}`;
    try {
      const reply = await clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
      const reserved = reply.Concurrency?.ReservedConcurrentExecutions;
      functions.push({
        name,
        arn,
        present: true,
        ...(reserved !== undefined ? { reservedConcurrency: reserved } : {}),
      });
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') functions.push({ name, arn, present: false });
      else unreadable.push({ what: `function ${name}`, error: describeAwsError(error) });
    }
  }

  return {
    account: options.account,
    region: options.region,
    takenAt: options.now.toISOString(),
    trails,
    rules,
    functions,
    unreadable,
  };
}
