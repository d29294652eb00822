/**
 * `npm run bench:scan`: the state scan on a large account (test/helpers/largeAccount.ts: 10,000 users, 2,000
 * roles, 50 groups, 200 customer-managed policies, 1,000 instances) on mocked SDK clients. Prints the calls the
 * reader makes and how long reading, snapshotting and judging take (the mocks answer at once: IAM's own latency
 * and throttling come on top, see docs/lambda.md), and the process's peak memory.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { parseBaseline } from '../src/baseline/load.ts';
import { readAccountState } from '../src/state/read.ts';
import { scanState } from '../src/state/scan.ts';
import { snapshotBaseline } from '../src/state/snapshot.ts';
import { LARGE_ACCOUNT, mockLargeAccount } from '../test/helpers/largeAccount.ts';

const mocked = mockLargeAccount();
const iam = new IAMClient({ region: 'us-east-1' });
const ec2 = new EC2Client({ region: 'us-east-1' });
const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

let t = performance.now();
const state = await readAccountState(
  { iam, ec2: () => ec2 },
  { regions: ['us-east-1'], now: new Date('2026-12-01T12:00:00Z'), reportPoll: { delayMs: 0, attempts: 1 } },
);
const read = ms(t);
const calls = mocked.calls();
t = performance.now();
const snapshot = snapshotBaseline(state);
const snap = ms(t);
t = performance.now();
const baseline = parseBaseline(snapshot.text, 'snapshot.yml');
const load = ms(t);
t = performance.now();
const clean = scanState(state, baseline, { scanId: 'bench' });
const judgedClean = ms(t);
t = performance.now();
const bare = scanState(state, parseBaseline('version: 1\n', 'empty.yml'), { scanId: 'bench' });
const judgedBare = ms(t);
mocked.restore();

const a = LARGE_ACCOUNT;
console.log(
  `account: ${a.users} users, ${a.roles} roles, ${a.groups} groups, ${a.policies} customer-managed policies, ${a.instances} instances`,
);
console.log(`calls: ${JSON.stringify(calls)} (${Object.values(calls).reduce((x, y) => x + y, 0)} in all)`);
console.log(`| step | time |\n|---|---|`);
console.log(`| read the account (mocked replies) | ${read} |`);
console.log(`| snapshot (${(snapshot.text.length / 1024 / 1024).toFixed(1)} MB of YAML) | ${snap} |`);
console.log(`| load that baseline | ${load} |`);
console.log(`| judge against it (${clean.findings.length} findings) | ${judgedClean} |`);
console.log(`| judge against an empty baseline (${bare.findings.length} findings) | ${judgedBare} |`);
const byRule = (findings: typeof clean.findings): string =>
  Object.entries(
    findings.reduce<Record<string, number>>((n, f) => {
      const key = `${f.ruleId} (${f.severity})`;
      n[key] = (n[key] ?? 0) + 1;
      return n;
    }, {}),
  )
    .map(([key, count]) => `${key} ${count}`)
    .join(', ') || 'none';
console.log(`against it, by rule: ${byRule(clean.findings)}`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
