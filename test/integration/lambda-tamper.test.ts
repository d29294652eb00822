/**
 * The built tamper-events function against moto (CloudTrail CreateTrail, StopLogging, StartLogging and
 * GetTrailStatus are served): a stopped trail is started again when the baseline enforces
 * cloudtrail.logging-impaired, and the event is notified once even when EventBridge delivers it twice.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH, exampleBaselineEnforcing } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { eventBridge, identities, trailCall } from '../helpers/records.ts';

const REGION = 'eu-west-1';
let moto: Moto;
let account: LocalAccount;
let trail: CloudTrailClient;
const dir = mkdtempSync(join(tmpdir(), 'guardrail-tamper-'));
const ENFORCING = join(dir, 'enforcing.yml');

beforeAll(async () => {
  moto = await startMoto();
  account = await localAccount(moto);
  const config = {
    endpoint: moto.endpoint,
    region: REGION,
    credentials: { accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY },
  };
  trail = new CloudTrailClient(config);
  await new S3Client({ ...config, forcePathStyle: true }).send(
    new CreateBucketCommand({
      Bucket: 'org-cloudtrail-logs',
      CreateBucketConfiguration: { LocationConstraint: REGION },
    }),
  );
  writeFileSync(ENFORCING, exampleBaselineEnforcing(['cloudtrail.logging-impaired']));
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

async function stoppedTrail(name: string): Promise<void> {
  await trail.send(new CreateTrailCommand({ Name: name, S3BucketName: 'org-cloudtrail-logs' }));
  await trail.send(new StartLoggingCommand({ Name: name }));
  await trail.send(new StopLoggingCommand({ Name: name }));
  expect((await trail.send(new GetTrailStatusCommand({ Name: name }))).IsLogging).toBe(false);
}

const stopLogging = (name: string) =>
  eventBridge(trailCall('StopLogging', { name }, null, { userIdentity: identities.developer }));

describe('built tamper-events on moto', () => {
  it('enforcing: a stopped trail is logging again, and the twice-delivered event is notified once', async () => {
    await stoppedTrail('org-trail');
    const event = stopLogging('org-trail');
    const run = await invokeBuilt('tamper-events', [event, { ...event, id: 'redelivered' }], {
      ...account.env,
      GUARDRAIL_BASELINE: ENFORCING,
    });
    expect(run.initError).toBeUndefined();
    if (!run.results[0]?.ok) throw new Error(JSON.stringify(run.results[0]));
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: {
        status: 'processed',
        findings: [
          {
            ruleId: 'cloudtrail.logging-impaired',
            severity: 'critical',
            remediation: { action: 'restore-logging', mode: 'enforce', status: 'applied' },
          },
        ],
      },
    });
    // The redelivery returns the stored summary: nothing is started or published again.
    expect(run.results[1]).toEqual(run.results[0]);
    expect((await trail.send(new GetTrailStatusCommand({ Name: 'org-trail' }))).IsLogging).toBe(true);
    const published = await account.drain();
    expect(published).toHaveLength(1);
    expect(published[0]?.attributes.ruleId?.Value).toContain('cloudtrail.logging-impaired');
  });

  it('dry-run (the example baseline): the trail stays stopped and the message says what would be done', async () => {
    await stoppedTrail('audit-trail');
    const run = await invokeBuilt('tamper-events', [stopLogging('audit-trail')], {
      ...account.env,
      GUARDRAIL_BASELINE: EXAMPLE_BASELINE_PATH,
    });
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: { findings: [{ remediation: { action: 'restore-logging', mode: 'dry-run' } }] },
    });
    expect((await trail.send(new GetTrailStatusCommand({ Name: 'audit-trail' }))).IsLogging).toBe(false);
    expect(await account.drain()).toHaveLength(1);
  });
});
