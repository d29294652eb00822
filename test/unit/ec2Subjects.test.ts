/**
 * The IMDS events' extractors over real CloudTrail records (../shared/corpus) and over the shapes CloudTrail
 * writes for the newer EC2 APIs (query-style lists, nested requests).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/core/types.ts';
import { evaluate } from '../../src/engine/evaluate.ts';
import { decodeText } from '../../src/events/decode.ts';
import { checkRecord } from '../../src/events/record.ts';
import type { Subject } from '../../src/events/subjects/index.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import { CORPUS_MISSING, corpus, corpusPath } from '../helpers/corpus.ts';

if (!corpus) console.warn(CORPUS_MISSING);

import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  modifyImdsDefaults,
  runInstances,
} from '../helpers/ec2Records.ts';
import type { Json } from '../helpers/records.ts';

function recordsIn(text: string, file: string): CloudTrailRecord[] {
  return [...decodeText(text, file)].flatMap((item) => (item.kind === 'record' ? [item.record] : []));
}

function subjectOf(json: Json): Subject {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  const extracted = extractSubject(checked.record);
  if (!extracted.ok) throw new Error(extracted.reason);
  return extracted.subject;
}

function extracted(json: Json) {
  const checked = checkRecord(json);
  if (!checked.ok) throw new Error(checked.reason);
  return extractSubject(checked.record);
}

describe.skipIf(!corpus)('RunInstances in real records', () => {
  it('flatiron: the launched instance, its response metadataOptions and its tags', () => {
    const file = corpusPath('target-events', 'eventbridge-RunInstances-flatiron.json');
    const [record] = recordsIn(readFileSync(file, 'utf8'), file);
    const result = extractSubject(record as CloudTrailRecord);
    expect(result).toEqual({
      ok: true,
      subject: {
        kind: 'RunInstances',
        region: 'us-east-1',
        account: '123456789012',
        partition: 'aws',
        reservationId: 'r-abcd',
        requested: {},
        instances: [
          {
            // The publisher anonymised the id: it is kept, but not acted on.
            instanceId: 'i-abcd',
            validId: false,
            instanceArn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd',
            settings: { httpTokens: 'optional', hopLimit: 1, httpEndpoint: 'enabled' },
            settingsFrom: 'response',
            tags: {
              App: 'misconfiguration_maker',
              Name: 'misconfiguration_maker',
              system: 'aws-remediation',
              team: 'security',
            },
          },
        ],
      },
    });
  });

  it('cloudtrail-tracker: all 24 RunInstances of 2014, each launched instance read, IMDSv1 judged by its date', () => {
    const dir = corpusPath('cloudtrail-tracker');
    const records = readdirSync(dir)
      .filter((name) => name.endsWith('.json.gz'))
      .flatMap((name) => {
        const text = gunzipSync(readFileSync(`${dir}/${name}`)).toString('utf8');
        return text.includes('"RunInstances"') ? recordsIn(text, name) : [];
      })
      .filter((r) => r.eventName === 'RunInstances');
    expect(records).toHaveLength(24);
    const failed = records.filter((r) => r.errorCode);
    expect(failed.map((r) => r.errorCode).sort()).toEqual([
      'Client.AuthFailure',
      'Client.InvalidGroup.NotFound',
      'Client.Unsupported',
      'Client.Unsupported',
    ]);
    for (const record of records.filter((r) => !r.errorCode)) {
      const result = extractSubject(record);
      if (!result.ok || result.subject.kind !== 'RunInstances')
        throw new Error(`${record.eventID}: not read`);
      const [instance, ...others] = result.subject.instances;
      expect(others).toEqual([]);
      expect(instance).toMatchObject({ validId: true, settingsFrom: 'none', settings: {}, tags: {} });
      expect(instance?.instanceId).toMatch(/^i-[0-9a-f]{8}$/);
      // Launched in 2014, before IMDSv2 existed: IMDSv1 for certain, with the instance to fix.
      const evaluation = evaluate(record, exampleBaseline());
      expect(evaluation.kind).toBe('evaluated');
      if (evaluation.kind !== 'evaluated') continue;
      expect(evaluation.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual([
        'ec2.imds.v1-allowed:high',
      ]);
      const [finding] = evaluation.findings;
      expect(finding?.summary).toContain('launched before IMDSv2 existed');
      expect(finding?.remediation?.params).toEqual({
        region: record.awsRegion,
        instances: [
          {
            instanceId: instance?.instanceId,
            httpTokens: 'required',
            maxHopLimit: 1,
            seen: { httpTokens: 'optional', hopLimit: 1 },
          },
        ],
      });
    }
    for (const record of failed) {
      expect(evaluate(record, exampleBaseline())).toMatchObject({
        kind: 'skipped',
        skip: { reason: expect.stringMatching(/^failed call/) },
      });
    }
  });

  it("stratus-red-team's ec2-launch-unusual-instances: the denied RunInstances is skipped as a failed call", () => {
    const file = corpusPath(
      'target-events',
      'stratus-red-team',
      'aws.execution.ec2-launch-unusual-instances.json',
    );
    const runs = recordsIn(readFileSync(file, 'utf8'), file).filter((r) => r.eventName === 'RunInstances');
    expect(runs).toHaveLength(1);
    const [run] = runs as [CloudTrailRecord];
    expect(run.responseElements).toBeNull();
    // Readable all the same: the request alone, no instance.
    expect(extractSubject(run)).toMatchObject({ ok: true, subject: { instances: [], requested: {} } });
    expect(evaluate(run, exampleBaseline())).toEqual({
      kind: 'skipped',
      skip: {
        eventId: run.eventID,
        eventName: 'RunInstances',
        reason: 'failed call (errorCode Client.UnauthorizedOperation)',
      },
    });
  });
});

describe('RunInstances shapes', () => {
  it('falls back to the request when the response has no metadataOptions', () => {
    const subject = subjectOf(
      runInstances([{ id: 'i-0123456789abcdef0' }], {
        metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
        tags: { 'guardrail:imds-profile': 'containers' },
      }),
    );
    expect(subject).toMatchObject({
      kind: 'RunInstances',
      requested: { httpTokens: 'required', hopLimit: 2 },
      instances: [
        {
          instanceId: 'i-0123456789abcdef0',
          settings: { httpTokens: 'required', hopLimit: 2 },
          settingsFrom: 'request',
          tags: { 'guardrail:imds-profile': 'containers' },
        },
      ],
    });
  });

  it('a launch template may add tags the record does not show: tags unknown unless the response lists them', () => {
    const launch = (tags?: Record<string, string>) =>
      subjectOf(
        runInstances([{ id: 'i-0123456789abcdef0', ...(tags ? { tags } : {}) }], {
          launchTemplate: { launchTemplateId: 'lt-0abcd290751193123', version: '3' },
        }),
      );
    expect(launch()).toMatchObject({
      launchTemplate: 'lt-0abcd290751193123 (version 3)',
      instances: [{ tags: undefined, settingsFrom: 'none' }],
    });
    expect(launch({ Name: 'web' })).toMatchObject({ instances: [{ tags: { Name: 'web' } }] });
  });

  it('refuses a hop limit EC2 would never report', () => {
    expect(
      extracted(
        runInstances([{ id: 'i-0123456789abcdef0', metadataOptions: { httpPutResponseHopLimit: 65 } }]),
      ),
    ).toEqual({
      ok: false,
      reason:
        'responseElements.instancesSet.items[0].metadataOptions.HttpPutResponseHopLimit: expected an integer from 1 to 64',
    });
  });
});

describe('launch templates', () => {
  it('CreateLaunchTemplate: name, id, version 1, MetadataOptions and the instance tags of a query-style list', () => {
    const subject = subjectOf(
      createLaunchTemplate('kdcube', {
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
        instanceTags: { 'guardrail:imds-profile': 'containers' },
      }),
    );
    expect(subject).toEqual({
      kind: 'CreateLaunchTemplate',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'arn:aws:ec2:eu-west-1:123456789012:launch-template/lt-0abcd290751193123',
      templateId: 'lt-0abcd290751193123',
      templateName: 'kdcube',
      version: 1,
      settings: { httpTokens: 'required', hopLimit: 2, httpEndpoint: 'enabled' },
      metadataOptionsStated: true,
      instanceTags: { 'guardrail:imds-profile': 'containers' },
    });
  });

  it('reads several instance tags, each with its tag index', () => {
    const subject = subjectOf(createLaunchTemplate('web', { instanceTags: { a: '1', b: '2' } }));
    expect(subject).toMatchObject({ instanceTags: { a: '1', b: '2' }, metadataOptionsStated: false });
  });

  it('CreateLaunchTemplateVersion: the version created and the one it starts from', () => {
    const subject = subjectOf(
      createLaunchTemplateVersion('lt-0abcd290751193123', {}, { version: 4, sourceVersion: '3' }),
    );
    expect(subject).toMatchObject({
      kind: 'CreateLaunchTemplateVersion',
      templateId: 'lt-0abcd290751193123',
      templateName: 'web',
      version: 4,
      sourceVersion: '3',
      settings: {},
      metadataOptionsStated: false,
    });
  });

  it('says what is missing when a template has neither id nor name', () => {
    const json = createLaunchTemplate('web', {});
    const bare = {
      ...json,
      requestParameters: { CreateLaunchTemplateRequest: { LaunchTemplateData: {} } },
      responseElements: null,
    };
    expect(extracted(bare)).toEqual({
      ok: false,
      reason: 'requestParameters.CreateLaunchTemplateRequest.LaunchTemplateName: missing',
    });
  });
});

describe('ModifyInstanceMetadataDefaults', () => {
  it('reads what the call sets; -1 is no preference', () => {
    expect(
      subjectOf(modifyImdsDefaults({ HttpTokens: 'no-preference', HttpPutResponseHopLimit: -1 })),
    ).toEqual({
      kind: 'ModifyInstanceMetadataDefaults',
      region: 'eu-west-1',
      account: '123456789012',
      httpTokens: 'no-preference',
      hopLimit: 'no-preference',
    });
    expect(subjectOf(modifyImdsDefaults({ HttpPutResponseHopLimit: 2 }))).toMatchObject({ hopLimit: 2 });
  });

  it('refuses a hop limit outside -1 and 1 to 64', () => {
    expect(extracted(modifyImdsDefaults({ HttpPutResponseHopLimit: 0 }))).toEqual({
      ok: false,
      reason:
        'requestParameters.ModifyInstanceMetadataDefaultsRequest.HttpPutResponseHopLimit: expected -1 or an integer from 1 to 64',
    });
  });
});
