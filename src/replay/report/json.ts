import type { ReplayReport } from '../types.ts';

/** `{"summary": {...}, "findings": [...], "malformed": [...], "suppressed": [...], "replay": {...}}`. */
export function renderJson(report: ReplayReport): string {
  const { summary, findings, malformed, suppressed, replay } = report;
  return `${JSON.stringify({ summary, findings, malformed, suppressed, replay }, null, 2)}\n`;
}
