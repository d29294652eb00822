/**
 * Writes examples/seed-events.json: the seed scenarios of scripts/lib/seeds.ts as one CloudTrail log file,
 * the input of `npm run demo`. test/unit/examples.test.ts fails when the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEED_CASES } from './lib/seeds.ts';

export function seedEventsLog(): string {
  return `${JSON.stringify({ Records: SEED_CASES.map((c) => c.record) }, null, 1)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../examples/seed-events.json', import.meta.url));
  writeFileSync(target, seedEventsLog());
  console.log(`wrote ${target}: ${SEED_CASES.length} records`);
}
