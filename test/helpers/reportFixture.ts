/** A replay report built through the real scan and aggregation, with hostile event fields in it. */

import { ReplayAggregator } from '../../src/replay/aggregate.ts';
import { scanBytes } from '../../src/replay/scan.ts';
import type { ReplayReport } from '../../src/replay/types.ts';
import { RULES } from '../../src/rules/index.ts';
import { baselineFrom, exampleBaseline } from './baseline.ts';
import type { Json } from './records.ts';
import {
  ACCOUNT,
  assumedRole,
  createAccessKey,
  createUser,
  identities,
  modifyImds,
  putRolePolicy,
} from './records.ts';
import { PAYLOADS } from './replay.ts';

export function hostileRecords(): Json[] {
  const attacker = {
    ...identities.admin,
    arn: `arn:aws:iam::${ACCOUNT}:user/${PAYLOADS.script}`,
    userName: PAYLOADS.script,
  };
  // IAM names cannot carry markup (the boundary refuses such records); the caller's ARN and source IP of a
  // forged record can, and reports render both.
  const attackerWithOnerror = { ...attacker, arn: `arn:aws:iam::${ACCOUNT}:user/${PAYLOADS.onerror}` };
  return [
    createUser('svc-backdoor', { eventTime: '2026-01-05T09:00:00Z', userIdentity: attackerWithOnerror }),
    createAccessKey('svc-backdoor', {
      eventTime: '2026-01-05T09:05:00Z',
      userIdentity: attacker,
      sourceIPAddress: PAYLOADS.formula,
    }),
    createUser('contractor-tmp', { eventTime: '2026-01-02T10:00:00Z', eventID: PAYLOADS.at }),
    putRolePolicy(
      'ImageGeneratorEC2Role',
      'Escalate',
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] },
      { eventTime: '2026-01-03T12:00:00Z', userIdentity: assumedRole('ci-deployer', 'build-42') },
    ),
    modifyImds('i-0123456789abcdef0', { HttpTokens: 'optional' }, undefined, {
      eventTime: '2026-01-04T08:00:00Z',
    }),
  ];
}

export function reportOf(files: Record<string, Json[]>, baselineYaml?: string): ReplayReport {
  const baseline = baselineYaml ? baselineFrom(baselineYaml) : exampleBaseline();
  const aggregator = new ReplayAggregator(RULES.map((rule) => rule.id));
  for (const [file, records] of Object.entries(files)) {
    aggregator.add(
      scanBytes(Buffer.from(JSON.stringify({ Records: records })), file, { baseline, rules: RULES }),
    );
  }
  aggregator.add(
    scanBytes(Buffer.from(`not json ${PAYLOADS.script}`), `bad-${PAYLOADS.onerror}.json`, {
      baseline,
      rules: RULES,
    }),
  );
  return aggregator.report({
    sources: ['trail/'],
    baseline: 'infra/baseline.example.yml',
    rules: RULES.map((r) => r.id),
  });
}

export function hostileReport(): ReplayReport {
  return reportOf({ 'trail/2026/01/a.json': hostileRecords() });
}
