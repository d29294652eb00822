import { CloudTrailClient, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ActionRetryableError, createRemediator } from '../../../src/actions/index.ts';
import { restoreLoggingAction } from '../../../src/actions/restoreLogging.ts';
import type { Finding } from '../../../src/core/types.ts';
import { accessDenied, sdkError, throttled } from '../../helpers/awsErrors.ts';
import { inMode, OWN_ACCOUNT, onlyFinding } from '../../helpers/findings.ts';
import { trailCall } from '../../helpers/records.ts';

const cloudtrailMock = mockClient(CloudTrailClient);
const regions: string[] = [];
const remediator = createRemediator({
  'restore-logging': restoreLoggingAction((region) => {
    regions.push(region);
    return new CloudTrailClient({ region });
  }),
});
const remediate = (f: Finding) => remediator(f, OWN_ACCOUNT);

const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:123456789012:trail/org-trail';
// The engine's finding for a stopped trail, in enforce mode (the example baseline ships it dry-run).
const finding = inMode(onlyFinding(trailCall('StopLogging', { name: 'org-trail' })), 'enforce');

describe('restore-logging', () => {
  beforeEach(() => {
    cloudtrailMock.reset();
    regions.length = 0;
    cloudtrailMock.on(StartLoggingCommand).resolves({});
  });

  it('starts a stopped trail when enforcing, in its home region: status read by ARN, started by name', async () => {
    cloudtrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({
      action: 'restore-logging',
      status: 'applied',
      mode: 'enforce',
      note: 'started logging on trail org-trail (eu-west-1)',
    });
    expect(regions).toEqual(['eu-west-1']);
    expect(cloudtrailMock.commandCalls(GetTrailStatusCommand)[0]?.args[0].input).toEqual({ Name: TRAIL_ARN });
    expect(cloudtrailMock.commandCalls(StartLoggingCommand)[0]?.args[0].input).toEqual({ Name: 'org-trail' });
  });

  it('only reads in dry-run', async () => {
    cloudtrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const result = await remediate(inMode(finding, 'dry-run'));
    expect(result.remediation).toMatchObject({
      status: 'dry-run',
      note: 'would start logging on trail org-trail (eu-west-1)',
    });
    expect(cloudtrailMock.commandCalls(StartLoggingCommand)).toHaveLength(0);
  });

  it('leaves a trail that is logging again alone', async () => {
    cloudtrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({ status: 'already-compliant' });
    expect(cloudtrailMock.commandCalls(StartLoggingCommand)).toHaveLength(0);
  });

  it('fails with what to do when the trail no longer exists', async () => {
    cloudtrailMock
      .on(GetTrailStatusCommand)
      .rejects(sdkError('TrailNotFoundException', 'Unknown trail: org-trail for the user'));
    const result = await remediate(finding);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error:
        'trail org-trail no longer exists in eu-west-1; recreate it from its definition (nothing to start)',
    });
  });

  it('turns a denied StartLogging into a failed remediation with its one-line error', async () => {
    cloudtrailMock.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    cloudtrailMock.on(StartLoggingCommand).rejects(accessDenied('cloudtrail:StartLogging'));
    const result = await remediate(finding);
    expect(result.remediation?.status).toBe('failed');
    expect(result.remediation?.error).toMatch(/^AccessDenied: .*cloudtrail:StartLogging$/);
  });

  it('lets a throttled call be retried by Lambda', async () => {
    cloudtrailMock.on(GetTrailStatusCommand).rejects(throttled());
    await expect(remediate(finding)).rejects.toBeInstanceOf(ActionRetryableError);
  });

  it('fails closed in a function that was not given the action', async () => {
    const result = await createRemediator({})(finding, OWN_ACCOUNT);
    expect(result.remediation).toMatchObject({
      status: 'failed',
      error: 'this function cannot run restore-logging',
    });
  });
});
