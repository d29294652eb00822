/** Groupings shared by the Markdown and HTML reports: what a person reads, computed once. */
import type { AnyRule } from '../../core/rule.ts';
import type { Severity } from '../../core/types.ts';
import { SEVERITY_ORDER, severityRank } from '../../core/types.ts';
import { RULES } from '../../rules/index.ts';
import type { ReportFinding } from '../types.ts';

/** Lists in human reports stop here; JSON, CSV and SARIF always carry everything. */
export const HUMAN_ROW_CAP = 500;

export const SEVERITIES_WORST_FIRST: readonly Severity[] = [...SEVERITY_ORDER].reverse();

export interface RuleRow {
  readonly rule: AnyRule | undefined;
  readonly ruleId: string;
  readonly title: string;
  readonly count: number;
  readonly worst: Severity;
  readonly remediations: number;
}

export interface ResourceRow {
  readonly resource: string;
  readonly count: number;
  readonly worst: Severity;
  readonly rules: readonly string[];
}

export interface PrincipalTimeline {
  readonly actor: string;
  readonly worst: Severity;
  readonly findings: readonly ReportFinding[];
}

function worse(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export function bySeverity(findings: readonly ReportFinding[]): Map<Severity, ReportFinding[]> {
  const groups = new Map<Severity, ReportFinding[]>(SEVERITIES_WORST_FIRST.map((s) => [s, []]));
  for (const finding of findings) groups.get(finding.severity)?.push(finding);
  return groups;
}

export function byRule(findings: readonly ReportFinding[]): RuleRow[] {
  const rows = new Map<string, { count: number; worst: Severity; remediations: number; title: string }>();
  for (const f of findings) {
    const row = rows.get(f.ruleId) ?? { count: 0, worst: f.severity, remediations: 0, title: f.title };
    row.count++;
    row.worst = worse(row.worst, f.severity);
    if (f.remediation) row.remediations++;
    rows.set(f.ruleId, row);
  }
  return [...rows.entries()]
    .map(([ruleId, row]) => ({ ruleId, rule: RULES.find((r) => r.id === ruleId), ...row }))
    .sort(
      (a, b) =>
        severityRank(b.worst) - severityRank(a.worst) ||
        b.count - a.count ||
        a.ruleId.localeCompare(b.ruleId),
    );
}

export function byResource(findings: readonly ReportFinding[]): ResourceRow[] {
  const rows = new Map<string, { count: number; worst: Severity; rules: Set<string> }>();
  for (const f of findings) {
    const row = rows.get(f.resource) ?? { count: 0, worst: f.severity, rules: new Set<string>() };
    row.count++;
    row.worst = worse(row.worst, f.severity);
    row.rules.add(f.ruleId);
    rows.set(f.resource, row);
  }
  return [...rows.entries()]
    .map(([resource, row]) => ({
      resource,
      count: row.count,
      worst: row.worst,
      rules: [...row.rules].sort(),
    }))
    .sort(
      (a, b) =>
        severityRank(b.worst) - severityRank(a.worst) ||
        b.count - a.count ||
        a.resource.localeCompare(b.resource),
    );
}

/** One timeline per principal (the caller's ARN), worst principals first, each in event-time order. */
export function timelines(findings: readonly ReportFinding[]): PrincipalTimeline[] {
  const groups = new Map<string, ReportFinding[]>();
  for (const f of findings) {
    const list = groups.get(f.actor);
    if (list) list.push(f);
    else groups.set(f.actor, [f]);
  }
  return [...groups.entries()]
    .map(([actor, list]) => ({
      actor,
      findings: list,
      worst: list.reduce<Severity>((w, f) => worse(w, f.severity), 'info'),
    }))
    .sort(
      (a, b) =>
        severityRank(b.worst) - severityRank(a.worst) ||
        b.findings.length - a.findings.length ||
        a.actor.localeCompare(b.actor),
    );
}

export interface ChartBucket {
  readonly start: number;
  readonly counts: Readonly<Record<Severity, number>>;
  readonly total: number;
}

export interface Chart {
  readonly bucketMs: number;
  readonly bucketLabel: string;
  readonly buckets: readonly ChartBucket[];
}

const BUCKETS = [
  { ms: 3_600_000, label: 'hour' },
  { ms: 86_400_000, label: 'day' },
  { ms: 7 * 86_400_000, label: 'week' },
  { ms: 30 * 86_400_000, label: '30 days' },
  { ms: 365 * 86_400_000, label: '365 days' },
] as const;

/** Findings over time in at most `maxBuckets` bars: the smallest bucket (hour … year) that fits. */
export function chartOf(findings: readonly ReportFinding[], maxBuckets = 60): Chart | undefined {
  if (findings.length === 0) return undefined;
  const times = findings.map((f) => Date.parse(f.eventTime));
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const time of times) {
    first = Math.min(first, time);
    last = Math.max(last, time);
  }
  const size = BUCKETS.find((b) => Math.floor(last / b.ms) - Math.floor(first / b.ms) < maxBuckets) ?? {
    ms: Math.ceil((last - first + 1) / maxBuckets),
    label: 'period',
  };
  const origin = Math.floor(first / size.ms) * size.ms;
  const count = Math.floor((last - origin) / size.ms) + 1;
  const buckets = Array.from({ length: count }, (_, index) => ({
    start: origin + index * size.ms,
    counts: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>,
    total: 0,
  }));
  findings.forEach((finding, index) => {
    const bucket = buckets[Math.floor(((times[index] as number) - origin) / size.ms)];
    if (!bucket) return;
    bucket.counts[finding.severity]++;
    bucket.total++;
  });
  return { bucketMs: size.ms, bucketLabel: size.label, buckets };
}

export function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}
