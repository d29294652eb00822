/**
 * `guardrail replay athena://` end to end against moto's Athena API (moto does not run SQL: the rows the query
 * would return are seeded through its /moto-api/static/athena/query-results endpoint, as Athena returns them).
 * The same events replayed from the trail file and through Athena give the same findings.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { WATCHED_EVENTS } from '../../src/events/subjects/index.ts';
import { EXAMPLE_BASELINE_PATH } from '../helpers/baseline.ts';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';
import { ATHENA_COLUMN_INFO, athenaRows } from '../helpers/queryResults.ts';
import { captureIo } from '../helpers/replay.ts';

const SEEDS = new URL('../../examples/seed-events.json', import.meta.url).pathname;
const records = (JSON.parse(readFileSync(SEEDS, 'utf8')) as { Records: Record<string, unknown>[] }).Records;
const selected = records.filter(
  (record) =>
    (WATCHED_EVENTS as Record<string, string>)[record.eventName as string] === record.eventSource &&
    record.errorCode === undefined,
);
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
  for (const [key, value] of Object.entries(MOTO_ENV)) vi.stubEnv(key, value);
  const seeded = await fetch(`${moto.endpoint}/moto-api/static/athena/query-results`, {
    method: 'POST',
    body: JSON.stringify({
      account_id: '123456789012',
      region: MOTO_ENV.AWS_REGION,
      results: [{ rows: athenaRows(selected, true), column_info: ATHENA_COLUMN_INFO }],
    }),
  });
  expect(seeded.status).toBe(201);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

async function replay(...args: string[]) {
  const io = captureIo({ env: { ...MOTO_ENV, AWS_ENDPOINT_URL: moto.endpoint } });
  const code = await run(['replay', ...args, '--baseline', EXAMPLE_BASELINE_PATH, '--workers', '0'], io);
  return { code, report: JSON.parse(io.out() || '{}'), err: io.err() };
}

describe('guardrail replay athena:// on moto', () => {
  it('gives the findings the trail file gives, with the query in the summary', async () => {
    const athena = await replay(
      'athena://security.cloudtrail_logs',
      '--output',
      's3://athena-results/guardrail/',
    );
    const file = await replay(SEEDS, '--quiet');
    expect(athena.code).toBe(0);
    const strip = (findings: { source: unknown }[]) => findings.map(({ source: _source, ...rest }) => rest);
    expect(strip(athena.report.findings)).toEqual(strip(file.report.findings));
    expect(athena.report.findings.length).toBeGreaterThan(5);
    expect(athena.report.summary.queries).toEqual([
      expect.objectContaining({ engine: 'athena', state: 'SUCCEEDED', rows: selected.length }),
    ]);
    expect(athena.err).toMatch(
      /^athena:\/\/security\.cloudtrail_logs: query [\w-]+, \d+ rows, [\d.]+ MiB scanned, about \$[\d.]+$/m,
    );
  });
});
