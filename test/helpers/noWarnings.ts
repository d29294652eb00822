/**
 * Vitest setup file of every test file: a process warning emitted in a test worker (a deprecation, an
 * experimental feature, MaxListenersExceeded, the SDK's Node version notice) fails the file and names the
 * warning, on Node 20 and on Node 22. Node still prints it; this makes it a failure to fix instead of a line
 * in the log to scroll past. Built handlers run in their own processes: test/helpers/builtHandlers.ts checks those.
 */
import { afterAll, expect } from 'vitest';

const warnings: string[] = [];
const record = (warning: Error): void => {
  warnings.push(`${warning.name}: ${warning.message.split('\n')[0]}`);
};
process.on('warning', record);

afterAll(async () => {
  // Node emits a warning on the next tick, and a file of promise-only tests may reach this hook without ever
  // giving the event loop a turn: one turn first, so a warning from the last test is counted.
  await new Promise((resolve) => setImmediate(resolve));
  process.off('warning', record);
  expect(warnings, `process warnings on Node ${process.versions.node}`).toEqual([]);
});
