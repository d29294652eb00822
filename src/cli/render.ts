/** Plain-text rendering for terminals. Event fields are attacker-controlled: control characters never pass. */

import { oneLine } from '../core/errors.ts';
import type { Finding } from '../core/types.ts';
import type { SuppressedFinding } from '../engine/suppression.ts';

export interface SkipLine {
  readonly eventId: string | null;
  readonly where?: string;
  readonly reason: string;
}

export function renderText(
  findings: readonly Finding[],
  skipped: readonly SkipLine[],
  suppressed: readonly SuppressedFinding[],
): string {
  const lines: string[] = [];
  lines.push(
    `${findings.length} finding${findings.length === 1 ? '' : 's'}, ${skipped.length} skipped, ${suppressed.length} suppressed`,
  );
  for (const finding of findings) {
    lines.push('');
    lines.push(`${finding.severity.toUpperCase()}  ${finding.ruleId}  ${oneLine(finding.resource, 200)}`);
    lines.push(`  ${oneLine(finding.summary, 400)}`);
    lines.push(
      `  event ${oneLine(finding.eventName, 80)} ${oneLine(finding.eventId, 80)} at ${oneLine(finding.eventTime, 40)} by ${oneLine(finding.actor, 200)} from ${oneLine(finding.sourceIp || '-', 80)}`,
    );
    if (finding.remediation) {
      lines.push(
        `  remediation ${finding.remediation.action} (${finding.remediation.mode}, ${finding.remediation.status})`,
      );
    }
  }
  if (suppressed.length > 0) {
    lines.push('');
    for (const { finding, suppression } of suppressed) {
      lines.push(
        `suppressed ${finding.ruleId} ${oneLine(finding.resource, 200)} by ${suppression.path}: ${oneLine(suppression.reason, 200)}`,
      );
    }
  }
  if (skipped.length > 0) {
    lines.push('');
    lines.push('skipped, by reason:');
    for (const [reason, ids] of groupSkips(skipped)) {
      const shown = ids.slice(0, SKIP_IDS_SHOWN).map((id) => oneLine(id, 120));
      const more = ids.length > shown.length ? ` and ${ids.length - shown.length} more` : '';
      lines.push(`  ${ids.length}  ${oneLine(reason, 300)}: ${shown.join(', ')}${more}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Ids (or places) listed per reason; the rest are counted. */
const SKIP_IDS_SHOWN = 5;

/** Skips grouped by reason, the most frequent first (then by reason), ids in input order. */
function groupSkips(skipped: readonly SkipLine[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const skip of skipped) {
    const ids = groups.get(skip.reason) ?? [];
    ids.push(skip.eventId ?? skip.where ?? '?');
    groups.set(skip.reason, ids);
  }
  return [...groups].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0));
}
