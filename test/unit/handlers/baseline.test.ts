import { readFileSync } from 'node:fs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { baselineSource } from '../../../handlers/config.ts';
import { createBaselineLoader } from '../../../handlers/lib/baseline.ts';
import { BaselineError } from '../../../src/core/errors.ts';
import { accessDenied } from '../../helpers/awsErrors.ts';
import { EXAMPLE_BASELINE_PATH } from '../../helpers/baseline.ts';

const EXAMPLE = readFileSync(EXAMPLE_BASELINE_PATH, 'utf8');
const s3Mock = mockClient(S3Client);
const ssmMock = mockClient(SSMClient);

describe('baseline loader', () => {
  beforeEach(() => {
    s3Mock.reset();
    ssmMock.reset();
  });

  it('reads a file, caches it across invocations, and reads again after the cache time', async () => {
    let now = 0;
    const read = vi.fn(async () => EXAMPLE);
    const load = createBaselineLoader(baselineSource({ GUARDRAIL_BASELINE: 'b.yml' }), {
      cacheSeconds: 300,
      now: () => now,
      read,
    });
    const first = await load();
    expect(await load()).toBe(first);
    now = 299_000;
    await load();
    expect(read).toHaveBeenCalledTimes(1);
    now = 300_000;
    await load();
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('keeps the last good baseline when a refresh fails, and says so', async () => {
    let now = 0;
    const read = vi.fn().mockResolvedValueOnce(EXAMPLE).mockResolvedValueOnce('version: 2\n');
    const warnings: string[] = [];
    const load = createBaselineLoader(baselineSource({ GUARDRAIL_BASELINE: 'b.yml' }), {
      cacheSeconds: 1,
      now: () => now,
      read,
      onStaleRefreshError: (message) => warnings.push(message),
    });
    const good = await load();
    now = 5_000;
    expect(await load()).toBe(good);
    expect(warnings).toEqual(['b.yml:1: version: expected version: 1']);
  });

  it('fails the first load with one line naming the source', async () => {
    const load = createBaselineLoader(baselineSource({ GUARDRAIL_BASELINE: '/nowhere/baseline.yml' }), {
      cacheSeconds: 300,
    });
    await expect(load()).rejects.toThrow(
      new BaselineError('/nowhere/baseline.yml: cannot be read: no such file'),
    );
  });

  it('reads s3://bucket/key with GetObject', async () => {
    s3Mock.on(GetObjectCommand, { Bucket: 'guardrail-config', Key: 'prod.yml' }).resolves({
      // The part of the SDK's stream mixin the loader uses.
      Body: { transformToString: async () => EXAMPLE } as never,
    });
    const load = createBaselineLoader(
      baselineSource({ GUARDRAIL_BASELINE: 's3://guardrail-config/prod.yml' }),
      { cacheSeconds: 300 },
    );
    expect((await load()).source).toBe('s3://guardrail-config/prod.yml');
  });

  it('reads ssm:/name with GetParameter, decrypted', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: '/guardrail/baseline', Value: EXAMPLE } });
    const load = createBaselineLoader(baselineSource({ GUARDRAIL_BASELINE: 'ssm:/guardrail/baseline' }), {
      cacheSeconds: 300,
    });
    expect((await load()).ownRoles).toEqual(['guardrail-*']);
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/guardrail/baseline',
      WithDecryption: true,
    });
  });

  it('reports a denied S3 read as a one-line BaselineError', async () => {
    s3Mock.on(GetObjectCommand).rejects(accessDenied('s3:GetObject'));
    const load = createBaselineLoader(
      baselineSource({ GUARDRAIL_BASELINE: 's3://guardrail-config/prod.yml' }),
      { cacheSeconds: 300 },
    );
    await expect(load()).rejects.toThrow(
      /^s3:\/\/guardrail-config\/prod.yml: cannot be read: AccessDenied: .*s3:GetObject$/,
    );
  });
});
