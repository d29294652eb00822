/**
 * The scheduled state scan (EventBridge schedule): reads the account (IAM authorization details, the credential
 * report, access keys, AWS managed policy documents, each configured region's instances and metadata
 * defaults), judges it against the baseline with the event rules and the orphan checks, remediates (dry-run
 * unless the baseline enforces the rule: tag-orphaned, tag-ephemeral, enforce-imdsv2; never deletes) and sends
 * one digest. Then, when GUARDRAIL_STACK_PREFIX is set, the check of guardrail's own state (src/state/stack.ts):
 * trails logging, the stack's rules enabled, its functions present and not throttled to 0.
 *
 * No idempotency layer, unlike the event functions: a scan's summary of a large account outgrows a DynamoDB
 * item (400 KB), so Powertools could not store it and would fail the finished scan; and running a scan twice
 * is harmless (it re-reads the account; tagging keeps a user's first verdict, enforce-imdsv2 finds the
 * instance compliant). A schedule event EventBridge delivers twice costs a second digest.
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient } from '@aws-sdk/client-sns';
import { enforceImdsV2Action } from '../src/actions/enforceImdsV2.ts';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { readAccountState } from '../src/state/read.ts';
import { readStackSnapshot } from '../src/state/stackReader.ts';
import {
  dryRunProbe,
  forceDryRun,
  functionRole,
  scanConcurrency,
  scanRegions,
  stackCheck,
} from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv } from './lib/runtime.ts';
import { scanHandler } from './lib/scanHandler.ts';

const logger = createLogger('state-scan');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const concurrency = scanConcurrency();
const regions = scanRegions();
const stack = stackCheck();
const role = functionRole();

/** One client per region, built on first use and kept for the container's life. */
const ec2Clients = new Map<string, EC2Client>();
function ec2(region: string): EC2Client {
  let client = ec2Clients.get(region);
  if (!client) {
    client = new EC2Client({ ...CLIENT_CONFIG, region });
    ec2Clients.set(region, client);
  }
  return client;
}

/** One CloudTrail client per region (a trail's status is asked in its home region), built on first use. */
const trailClients = new Map<string, CloudTrailClient>();
function cloudTrail(region: string): CloudTrailClient {
  let client = trailClients.get(region);
  if (!client) {
    client = new CloudTrailClient({ ...CLIENT_CONFIG, region });
    trailClients.set(region, client);
  }
  return client;
}
const events = stack ? new EventBridgeClient(CLIENT_CONFIG) : undefined;
const lambda = stack ? new LambdaClient(CLIENT_CONFIG) : undefined;

export const handler = scanHandler({
  logger,
  baseline: baselineFromEnv(logger),
  read: (now, account) =>
    readAccountState(
      { iam, ec2 },
      {
        regions,
        concurrency,
        now,
        ...(account ? { account } : {}),
        onProgress: (line) => logger.debug(line),
      },
    ),
  remediate: createRemediator(
    {
      'tag-orphaned': tagUserAction(iam),
      'tag-ephemeral': tagUserAction(iam),
      'enforce-imdsv2': enforceImdsV2Action(ec2, { dryRunProbe: dryRunProbe() }),
    },
    { forceDryRun: forceDryRun() },
  ),
  roleAccount: role?.account,
  notifier: snsNotifierFromEnv(sns),
  concurrency,
  ...(stack && events && lambda
    ? {
        stackCheck: async (now: Date) =>
          readStackSnapshot(
            { cloudTrail, events, lambda },
            { account: role?.account ?? 'unknown', region: await iam.config.region(), ...stack, now },
          ),
      }
    : {}),
  idempotency: null,
});
