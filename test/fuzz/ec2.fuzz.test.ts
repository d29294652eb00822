/**
 * The IMDS events under arbitrary input: the extractors read what a launch says back exactly, never throw on a
 * mangled record, and the engine puts each launched instance in at most one finding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { decodeValue } from '../../src/events/decode.ts';
import { checkRecord } from '../../src/events/record.ts';
import { extractSubject } from '../../src/events/subjects/index.ts';
import { exampleBaseline } from '../helpers/baseline.ts';
import type { Launched } from '../helpers/ec2Records.ts';
import {
  createLaunchTemplate,
  createLaunchTemplateVersion,
  modifyImdsDefaults,
  runInstances,
} from '../helpers/ec2Records.ts';

const hex = fc.stringMatching(/^[0-9a-f]{17}$/);
const tagsArb = fc.dictionary(
  fc.constantFrom('Name', 'team', 'guardrail:imds-profile'),
  fc.constantFrom('containers', 'web', ''),
  { maxKeys: 3 },
);
const launchedArb: fc.Arbitrary<Launched> = fc.record(
  {
    id: hex.map((h) => `i-${h}`),
    metadataOptions: fc.record(
      {
        httpTokens: fc.constantFrom('optional', 'required'),
        httpPutResponseHopLimit: fc.integer({ min: 1, max: 64 }),
        httpEndpoint: fc.constantFrom('enabled', 'disabled'),
      },
      { requiredKeys: [] },
    ),
    tags: tagsArb,
  },
  { requiredKeys: ['id'] },
);

describe('RunInstances, any launch', () => {
  it('reads every launched instance back as the response says, and judges each in at most one finding', () => {
    const baseline = exampleBaseline();
    fc.assert(
      fc.property(
        fc.uniqueArray(launchedArb, { minLength: 1, maxLength: 5, selector: (l) => l.id }),
        (launched) => {
          const checked = checkRecord(runInstances(launched));
          if (!checked.ok) throw new Error(checked.reason);
          const extracted = extractSubject(checked.record);
          if (!extracted.ok || extracted.subject.kind !== 'RunInstances') throw new Error('not read');
          expect(extracted.subject.instances.map((i) => i.instanceId)).toEqual(launched.map((l) => l.id));
          for (const [index, instance] of extracted.subject.instances.entries()) {
            const options = launched[index]?.metadataOptions ?? {};
            expect(instance.settings).toEqual({
              ...(options.httpTokens ? { httpTokens: options.httpTokens } : {}),
              ...(options.httpPutResponseHopLimit ? { hopLimit: options.httpPutResponseHopLimit } : {}),
              ...(options.httpEndpoint ? { httpEndpoint: options.httpEndpoint } : {}),
            });
            expect(instance.tags).toEqual(launched[index]?.tags ?? {});
          }
          const result = evaluate(checked.record, baseline);
          if (result.kind !== 'evaluated') throw new Error(result.skip.reason);
          const listed = result.findings.flatMap((f) =>
            (f.details.instances as { instanceId: string }[]).map((i) => i.instanceId),
          );
          expect(new Set(listed).size).toBe(listed.length);
          // Every remediation target is a listed instance, never with a maximum below its profile's.
          for (const finding of result.findings) {
            if (finding.remediation?.action !== 'enforce-imdsv2') continue;
            for (const target of finding.remediation.params.instances) {
              expect(listed).toContain(target.instanceId);
              expect(target.maxHopLimit).toBeGreaterThanOrEqual(baseline.imds.maxHopLimit);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const seeds = [
  runInstances(
    [{ id: 'i-0123456789abcdef0', metadataOptions: { httpTokens: 'optional' }, tags: { a: 'b' } }],
    {
      metadataOptions: { httpTokens: 'optional' },
      tags: { a: 'b' },
      launchTemplate: { launchTemplateId: 'lt-1' },
    },
  ),
  createLaunchTemplate('web', {
    MetadataOptions: { HttpTokens: 'optional' },
    instanceTags: { a: 'b', c: 'd' },
  }),
  createLaunchTemplateVersion(
    'lt-0abcd290751193123',
    { MetadataOptions: { HttpTokens: 'optional' } },
    {
      version: 2,
      sourceVersion: '1',
    },
  ),
  modifyImdsDefaults({ HttpTokens: 'optional', HttpPutResponseHopLimit: 3 }),
];

const PATHS = [
  'requestParameters',
  'responseElements',
  'requestParameters.metadataOptions',
  'requestParameters.tagSpecificationSet',
  'requestParameters.launchTemplate',
  'responseElements.instancesSet',
  'responseElements.instancesSet.items',
  'requestParameters.CreateLaunchTemplateRequest',
  'requestParameters.CreateLaunchTemplateRequest.LaunchTemplateData',
  'requestParameters.CreateLaunchTemplateRequest.LaunchTemplateData.MetadataOptions',
  'requestParameters.CreateLaunchTemplateRequest.LaunchTemplateData.TagSpecification',
  'requestParameters.CreateLaunchTemplateVersionRequest.SourceVersion',
  'responseElements.CreateLaunchTemplateResponse.launchTemplate',
  'responseElements.CreateLaunchTemplateVersionResponse.launchTemplateVersion',
  'requestParameters.ModifyInstanceMetadataDefaultsRequest',
  'requestParameters.ModifyInstanceMetadataDefaultsRequest.HttpPutResponseHopLimit',
] as const;

describe('IMDS records mangled anywhere', () => {
  it('are read or refused with a reason, and evaluated without throwing', () => {
    const baseline = exampleBaseline();
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.constantFrom(...PATHS),
        fc.jsonValue(),
        (seed, path, value) => {
          const copy = structuredClone(seed) as Record<string, unknown>;
          const keys = path.split('.');
          let target: Record<string, unknown> = copy;
          for (const key of keys.slice(0, -1)) {
            if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
            target = target[key] as Record<string, unknown>;
          }
          target[keys.at(-1) as string] = value;
          for (const item of decodeValue(copy, 'fuzz')) {
            if (item.kind !== 'record') continue;
            const extracted = extractSubject(item.record);
            if (!extracted.ok)
              expect(extracted.reason).toMatch(/^(requestParameters|responseElements)\.\S+: /);
            const result = evaluate(item.record, baseline);
            expect(['evaluated', 'skipped']).toContain(result.kind);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
