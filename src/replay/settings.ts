/**
 * What every scanning thread needs to rebuild the same ScanSettings: the baseline as text (a compiled
 * Baseline holds functions and Maps, which do not cross a thread boundary), the rule ids, the time range.
 */
import type { Baseline } from '../baseline/baseline.ts';
import { parseBaseline } from '../baseline/load.ts';
import type { Knowledge, Known, PolicyVersionFact } from '../core/knowledge.ts';
import type { AnyRule } from '../core/rule.ts';
import { offlineKnowledge } from '../knowledge/offline.ts';
import type { TrailKnowledge } from '../knowledge/trail.ts';
import { RULES } from '../rules/index.ts';
import type { ScanSettings } from './scan.ts';

export interface ScanInit {
  readonly baselineText: string;
  readonly baselineSource: string;
  readonly ruleIds: readonly string[];
  readonly since?: number;
  readonly until?: number;
  /**
   * False where the AWS managed-policy data is not carried (the replay function: its zip stays small): AWS
   * managed documents are then unknown, saying so. Default true.
   */
  readonly awsManagedData?: boolean;
  /**
   * With `awsManagedData: false`: a record needing an AWS managed document is deferred to the end of the
   * replay, where the caller reads the documents from IAM (the replay function, replay.ts).
   */
  readonly awsManagedLater?: boolean;
}

/** The replay function's answer for AWS managed documents (docs/replay.md, "The replay function"). */
const NO_AWS_MANAGED_DATA: Knowledge['managedPolicy'] = (policyArn): Known<PolicyVersionFact> => ({
  known: false,
  why: `the replay function does not carry the AWS managed-policy data, so the document of ${policyArn} is not read here (guardrail replay on a machine reads it; the live iam-events function reads IAM)`,
});

/** The replay's offline knowledge, before it learns anything: the same on every thread. */
export function trailKnowledgeFrom(init: ScanInit): TrailKnowledge {
  return offlineKnowledge(
    init.awsManagedData === false
      ? { awsManaged: NO_AWS_MANAGED_DATA, ...(init.awsManagedLater ? { awsManagedLater: true } : {}) }
      : {},
  );
}

/** `baseline`: the one already compiled from `init.baselineText` on this thread, if any. */
export function settingsFrom(init: ScanInit, baseline?: Baseline): ScanSettings {
  const rules: readonly AnyRule[] =
    init.ruleIds.length === RULES.length ? RULES : RULES.filter((rule) => init.ruleIds.includes(rule.id));
  return {
    baseline: baseline ?? parseBaseline(init.baselineText, init.baselineSource),
    rules,
    // The AWS managed-policy data, read on first use; what the trail teaches is learned on the main thread
    // once every input is scanned, and the records that need it are judged then (replay.ts).
    trail: trailKnowledgeFrom(init).watching(),
    ...(init.since !== undefined ? { since: init.since } : {}),
    ...(init.until !== undefined ? { until: init.until } : {}),
  };
}
