// The bare limit: gunzip + JSON.parse of every log file, single thread, nothing else. Prints
// {"files","records","ms"} where ms excludes Node's start-up.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.json.gz') || entry.name.endsWith('.json')) yield path;
  }
}

const started = performance.now();
let files = 0;
let records = 0;
for (const dir of process.argv.slice(2)) {
  for (const path of walk(dir)) {
    const bytes = readFileSync(path);
    const text =
      bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
    records += JSON.parse(text).Records.length;
    files++;
  }
}
console.log(JSON.stringify({ files, records, ms: performance.now() - started }));
