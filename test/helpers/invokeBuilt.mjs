// Runs a built handler bundle the way Lambda does: a fresh Node process imports dist/handlers/<name>.js
// once (init), then invokes `handler` for each event in turn (warm). Events arrive on stdin as a JSON
// array; results go to the file named by the second argument; stdout/stderr carry the function's logs.
// Process warnings are collected too (Node still prints them): Lambda would log them in the function's logs.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, resultFile, functionName = 'guardrail-test'] = process.argv.slice(2);
const events = JSON.parse(readFileSync(0, 'utf8'));
const warnings = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message.split('\n')[0]}`));
// A warning is emitted on the next tick: one turn of the event loop before the results are written.
const settle = () => new Promise((resolve) => setImmediate(resolve));

function context() {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

let handler;
try {
  ({ handler } = await import(pathToFileURL(bundle).href));
} catch (error) {
  await settle();
  writeFileSync(
    resultFile,
    JSON.stringify({ initError: { name: error.name, message: error.message }, warnings }),
  );
  process.exit(0);
}
const results = [];
for (const event of events) {
  try {
    results.push({ ok: true, value: await handler(event, context()) });
  } catch (error) {
    results.push({ ok: false, error: { name: error.name, message: error.message } });
  }
}
await settle();
writeFileSync(resultFile, JSON.stringify({ results, warnings }));
