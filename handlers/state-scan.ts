/**
 * The scheduled state scan (EventBridge schedule): reads the account (IAM authorization details, the credential
 * report, access keys, AWS managed policy documents, each configured region's instances and metadata
 * defaults), judges it against the baseline with the event rules and the orphan checks, remediates (dry-run
 * unless the baseline enforces the rule: tag-orphaned, tag-ephemeral, enforce-imdsv2; never deletes) and sends
 * one digest.
 *
 * No idempotency layer, unlike the event functions: a scan's summary of a large account outgrows a DynamoDB
 * item (400 KB), so Powertools could not store it and would fail the finished scan; and running a scan twice
 * is harmless (it re-reads the account; tagging keeps a user's first verdict, enforce-imdsv2 finds the
 * instance compliant). A schedule event EventBridge delivers twice costs a second digest.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SNSClient } from '@aws-sdk/client-sns';
import { enforceImdsV2Action } from '../src/actions/enforceImdsV2.ts';
import { createRemediator } from '../src/actions/index.ts';
import { tagUserAction } from '../src/actions/tagUser.ts';
import { CLIENT_CONFIG } from '../src/aws/clientConfig.ts';
import { readAccountState } from '../src/state/read.ts';
import { dryRunProbe, forceDryRun, functionRole, scanConcurrency, scanRegions } from './config.ts';
import { baselineFromEnv } from './lib/baseline.ts';
import { createLogger } from './lib/logger.ts';
import { snsNotifierFromEnv } from './lib/runtime.ts';
import { scanHandler } from './lib/scanHandler.ts';

const logger = createLogger('state-scan');
const iam = new IAMClient(CLIENT_CONFIG);
const sns = new SNSClient(CLIENT_CONFIG);
const concurrency = scanConcurrency();
const regions = scanRegions();

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
  roleAccount: functionRole()?.account,
  notifier: snsNotifierFromEnv(sns),
  concurrency,
  idempotency: null,
});
