/**
 * What the bundles leave out of a cold start and load on first use (scripts/build.ts): the S3 and SSM
 * baseline readers, the IAM action catalogue. Checked twice: a cold start does not load them (the entry's
 * static imports), and the built functions still find them when they are needed, against moto.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_READERS, DIST_DIR, handlerNames, packageFiles } from '../../scripts/build.ts';
import { CATALOGUE_BUNDLED_FILE } from '../../src/policy/catalogue.ts';
import type { LocalAccount } from '../helpers/account.ts';
import { localAccount } from '../helpers/account.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import { invokeBuilt } from '../helpers/builtHandlers.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { eventBridge, putRolePolicy } from '../helpers/records.ts';

/** The files a cold start reads: the entry and what it imports statically, transitively. */
function staticallyLoaded(name: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(DIST_DIR, file), 'utf8');
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    // Static imports only (`from"./x.js"` or `import"./x.js"`), not `import("./x.js")`.
    for (const [, specifier] of text.matchAll(/\b(?:from|import)"(\.\/[^"]+)"/g)) {
      visit(join(dir, specifier as string));
    }
  };
  visit(`${name}.js`);
  return [...seen];
}

/** Handlers that answer CloudTrail events or the schedule; replay reads and writes S3 by its nature. */
const LIVE_HANDLERS = handlerNames().filter((name) => name !== 'replay');

describe('a cold start', () => {
  it.each(LIVE_HANDLERS)(
    'of %s reads neither the S3 nor the SSM client, nor the action catalogue',
    (name) => {
      const text = staticallyLoaded(name)
        .map((file) => readFileSync(join(DIST_DIR, file), 'utf8'))
        .join('\n');
      // The event functions' idempotency store; the state scan has none (handlers/state-scan.ts).
      if (name !== 'state-scan') expect(text).toContain('"@aws-sdk/client-dynamodb"');
      expect(text).not.toContain('"@aws-sdk/client-s3"');
      expect(text).not.toContain('"@aws-sdk/client-ssm"');
      // An action only the catalogue names.
      expect(text).not.toContain('GetContainerizationJobDetails');
    },
  );

  it.each(handlerNames().filter((name) => !CATALOGUE_READERS.has(name)))(
    'of %s ships no action catalogue, which none of its rules reads',
    (name) => {
      const files = packageFiles(name);
      expect(files.filter((file) => file.endsWith(CATALOGUE_BUNDLED_FILE))).toEqual([]);
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        expect(readFileSync(join(DIST_DIR, file), 'utf8')).not.toContain('GetContainerizationJobDetails');
      }
    },
  );

  it.each([...CATALOGUE_READERS])(
    'of %s finds the action catalogue in a file of its own, in no code',
    (name) => {
      const files = packageFiles(name);
      for (const file of files.filter((f) => f.endsWith('.js'))) {
        expect(readFileSync(join(DIST_DIR, file), 'utf8')).not.toContain('GetContainerizationJobDetails');
      }
      // Brotli-compressed beside the module that reads it (scripts/build.ts, src/policy/catalogue.ts).
      const data = files.filter((file) => file.endsWith(CATALOGUE_BUNDLED_FILE));
      expect(data).toHaveLength(1);
      expect(
        brotliDecompressSync(readFileSync(join(DIST_DIR, data[0] as string))).toString('utf8'),
      ).toContain('GetContainerizationJobDetails');
    },
  );
});

// The catalogue is in no code file (above), so a wildcard finding proves the function read it from its file.
describe('the built iam-events, loading on demand', () => {
  let moto: Moto;
  let account: LocalAccount;
  const baselineText = readFileSync(EXAMPLE_BASELINE_PATH, 'utf8');
  // `*` on a role the baseline knows: iam.policy.wildcard reads the catalogue to expand it.
  const wildcard = eventBridge(
    putRolePolicy('ImageGeneratorEC2Role', 'debug', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }),
  );

  beforeAll(async () => {
    moto = await startMoto();
    account = await localAccount(moto);
    const config = {
      endpoint: moto.endpoint,
      region: MOTO_ENV.AWS_REGION,
      forcePathStyle: true,
      credentials: {
        accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
      },
    };
    const s3 = new S3Client(config);
    await s3.send(new CreateBucketCommand({ Bucket: 'guardrail-config' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'guardrail-config', Key: 'baselines/prod.yml', Body: baselineText }),
    );
    // Over 4 KB: the Advanced tier, as docs/deploy.md says.
    await new SSMClient(config).send(
      new PutParameterCommand({
        Name: '/guardrail/baseline',
        Type: 'SecureString',
        Tier: 'Advanced',
        Value: baselineText,
      }),
    );
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it.each([['s3://guardrail-config/baselines/prod.yml'], ['ssm:/guardrail/baseline']])(
    'reads the baseline from %s and the catalogue from its package',
    async (source) => {
      const run = await invokeBuilt('iam-events', [wildcard], { ...account.env, GUARDRAIL_BASELINE: source });
      expect(run.initError).toBeUndefined();
      expect(run.results[0]).toMatchObject({
        ok: true,
        value: {
          status: 'processed',
          findings: expect.arrayContaining([expect.objectContaining({ ruleId: 'iam.policy.wildcard' })]),
        },
      });
    },
  );
});
