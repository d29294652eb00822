import { describe, expect, it } from 'vitest';
import {
  baselineCacheSeconds,
  baselineSource,
  dryRunProbe,
  forceDryRun,
  idempotencyTable,
  minSeverity,
  s3PathStyle,
  scanConcurrency,
  scanRegions,
  stackCheck,
  topicArn,
  watchedFunction,
} from '../../../handlers/config.ts';
import { ConfigError } from '../../../src/core/errors.ts';

describe('handler configuration', () => {
  it.each([
    ['infra/baseline.yml', { kind: 'file', path: 'infra/baseline.yml' }],
    [
      's3://guardrail-config/baselines/prod.yml',
      { kind: 's3', bucket: 'guardrail-config', key: 'baselines/prod.yml' },
    ],
    ['ssm:/guardrail/baseline', { kind: 'ssm', name: '/guardrail/baseline' }],
  ])('reads GUARDRAIL_BASELINE=%s', (value, expected) => {
    expect(baselineSource({ GUARDRAIL_BASELINE: value })).toMatchObject({ ...expected, label: value });
  });

  it.each([
    [
      () => baselineSource({}),
      'GUARDRAIL_BASELINE: missing; set it to the baseline: a file path, s3://bucket/key or ssm:/parameter/name',
    ],
    [
      () => baselineSource({ GUARDRAIL_BASELINE: 's3://Bad_Bucket' }),
      'GUARDRAIL_BASELINE: expected s3://bucket/key, got "s3://Bad_Bucket"',
    ],
    [
      () => baselineSource({ GUARDRAIL_BASELINE: 'ssm:/' }),
      'GUARDRAIL_BASELINE: expected ssm:/parameter/name, got "ssm:/"',
    ],
    [
      () => topicArn({ GUARDRAIL_TOPIC_ARN: '  ' }),
      'GUARDRAIL_TOPIC_ARN: missing; set it to the ARN of the SNS topic notifications go to',
    ],
    [
      () => topicArn({ GUARDRAIL_TOPIC_ARN: 'guardrail' }),
      'GUARDRAIL_TOPIC_ARN: expected an SNS topic ARN, got "guardrail"',
    ],
    [
      () => idempotencyTable({}),
      'GUARDRAIL_IDEMPOTENCY_TABLE: missing; set it to the DynamoDB idempotency table name',
    ],
    [
      () => minSeverity({ GUARDRAIL_MIN_SEVERITY: 'hgih' }),
      'GUARDRAIL_MIN_SEVERITY: expected one of info, low, medium, high, critical, got "hgih"',
    ],
    [
      () => forceDryRun({ GUARDRAIL_FORCE_DRY_RUN: 'maybe' }),
      'GUARDRAIL_FORCE_DRY_RUN: expected true or false, got "maybe"',
    ],
    [
      () => scanConcurrency({ GUARDRAIL_SCAN_CONCURRENCY: '0' }),
      'GUARDRAIL_SCAN_CONCURRENCY: expected a whole number from 1 to 32, got "0"',
    ],
    [
      () => scanRegions({ GUARDRAIL_SCAN_REGIONS: 'us-east-1,europe' }),
      'GUARDRAIL_SCAN_REGIONS: expected comma-separated regions, got "us-east-1,europe"',
    ],
    [
      () => watchedFunction({ GUARDRAIL_WATCHED_FUNCTION: 'guardrail-prod-tamper-events:$LATEST' }),
      'GUARDRAIL_WATCHED_FUNCTION: expected a function name, got "guardrail-prod-tamper-events:$LATEST"',
    ],
    [
      () => stackCheck({ GUARDRAIL_STACK_PREFIX: 'guardrail-prod-', GUARDRAIL_STACK_FUNCTIONS: 'a,b c' }),
      'GUARDRAIL_STACK_FUNCTIONS: expected function names, got "b c"',
    ],
    [
      () => baselineCacheSeconds({ GUARDRAIL_BASELINE_CACHE_SECONDS: '-5' }),
      'GUARDRAIL_BASELINE_CACHE_SECONDS: expected a whole number from 0 to 86400, got "-5"',
    ],
  ])('fails with one line naming the variable (%#)', (read, message) => {
    const error = (() => {
      try {
        read();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(message);
  });

  it('applies defaults and parses valid values', () => {
    expect(topicArn({ GUARDRAIL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:guardrail' })).toBe(
      'arn:aws:sns:us-east-1:123456789012:guardrail',
    );
    expect(idempotencyTable({ GUARDRAIL_IDEMPOTENCY_TABLE: 'guardrail-idempotency' })).toBe(
      'guardrail-idempotency',
    );
    expect(minSeverity({})).toBeUndefined();
    expect(minSeverity({ GUARDRAIL_MIN_SEVERITY: 'HIGH' })).toBe('high');
    expect(forceDryRun({})).toBe(false);
    expect(forceDryRun({ GUARDRAIL_FORCE_DRY_RUN: 'true' })).toBe(true);
    expect(dryRunProbe({})).toBe(true);
    expect(dryRunProbe({ GUARDRAIL_DRY_RUN_PROBE: '0' })).toBe(false);
    expect(scanConcurrency({})).toBe(4);
    expect(scanRegions({ AWS_REGION: 'eu-west-1' })).toEqual(['eu-west-1']);
    expect(scanRegions({ GUARDRAIL_SCAN_REGIONS: ' eu-west-1, us-east-1,eu-west-1 ' })).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
    expect(baselineCacheSeconds({})).toBe(300);
    expect(stackCheck({})).toBeUndefined();
    expect(
      stackCheck({
        GUARDRAIL_STACK_PREFIX: 'guardrail-prod-',
        GUARDRAIL_STACK_FUNCTIONS: 'guardrail-prod-iam-events, guardrail-prod-replay',
        GUARDRAIL_STACK_BUSES: 'guardrail-central',
      }),
    ).toEqual({
      prefix: 'guardrail-prod-',
      functions: ['guardrail-prod-iam-events', 'guardrail-prod-replay'],
      buses: ['guardrail-central'],
    });
    expect(watchedFunction({ GUARDRAIL_WATCHED_FUNCTION: 'guardrail-prod-tamper-events' })).toBe(
      'guardrail-prod-tamper-events',
    );
  });

  it('addresses S3 buckets by path when AWS_ENDPOINT_URL points at a local endpoint', () => {
    expect(s3PathStyle({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000' })).toBe(true);
    expect(s3PathStyle({ AWS_ENDPOINT_URL: ' ' })).toBe(false);
    expect(s3PathStyle({})).toBe(false);
  });

  it('is the only handler module that reads the environment', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join, relative } = await import('node:path');
    const root = new URL('../../../', import.meta.url).pathname;
    const readers = readdirSync(join(root, 'handlers'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(readers).toEqual(['handlers/config.ts']);
  });
});
