/** The Markdown report: what a person reads in a pull request, a ticket or an auditor's folder. */

import { markdownToMarkdown } from '../../notify/markdown.ts';
import type { ReplayReport, ReportFinding } from '../types.ts';
import { escapeMarkdown as md } from './escape.ts';
import {
  byResource,
  byRule,
  bySeverity,
  HUMAN_ROW_CAP,
  plural,
  SEVERITIES_WORST_FIRST,
  timelines,
} from './view.ts';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function capped<T>(items: readonly T[], lines: string[], what: string): readonly T[] {
  if (items.length <= HUMAN_ROW_CAP) return items;
  lines.push(
    `_Showing the first ${HUMAN_ROW_CAP} of ${items.length} ${what}; the JSON and CSV reports list all._`,
    '',
  );
  return items.slice(0, HUMAN_ROW_CAP);
}

function findingRow(f: ReportFinding): string[] {
  return [
    md(f.eventTime),
    md(f.severity),
    md(f.ruleId),
    md(f.resource, 200),
    md(f.actor, 200),
    md(f.summary),
  ];
}

export function renderMarkdown(report: ReplayReport): string {
  const { summary, findings, replay } = report;
  const lines: string[] = ['# Guardrail replay report', ''];
  lines.push(`- **Sources:** ${replay.sources.map((s) => md(s, 300)).join(', ') || 'none'}`);
  lines.push(`- **Baseline:** ${md(replay.baseline, 300)}`);
  lines.push(`- **Window:** ${md(replay.since ?? 'beginning')} to ${md(replay.until ?? 'end')}`);
  lines.push(`- **Rules:** ${replay.rules.map((r) => md(r)).join(', ')}`, '');

  lines.push('## Summary', '');
  lines.push(
    ...table(
      ['files', 'records', 'duplicates', 'malformed', 'evaluated', 'skipped', 'findings', 'suppressed'],
      [
        [
          summary.files,
          summary.records,
          summary.duplicates,
          summary.malformed,
          summary.evaluated,
          summary.skipped,
          summary.findings,
          summary.suppressed,
        ].map((n) => n.toLocaleString('en-US')),
      ],
    ),
    '',
  );
  lines.push(
    `Severity: ${SEVERITIES_WORST_FIRST.map((s) => `**${s}** ${summary.bySeverity[s]}`).join(' · ')}`,
    '',
  );
  if (summary.outOfRange > 0 || summary.prunedFiles > 0)
    lines.push(
      `Outside the window: ${plural(summary.outOfRange, 'record')}, ${plural(summary.prunedFiles, 'file')} not read (date folder).`,
      '',
    );

  lines.push('## Findings by severity', '');
  if (findings.length === 0) lines.push('No findings.', '');
  for (const [severity, group] of bySeverity(findings)) {
    if (group.length === 0) continue;
    lines.push(`### ${severity[0]?.toUpperCase()}${severity.slice(1)} (${group.length})`, '');
    lines.push(
      ...table(
        ['time', 'severity', 'rule', 'resource', 'principal', 'summary'],
        capped(group, lines, 'findings').map(findingRow),
      ),
      '',
    );
  }

  if (findings.length > 0) {
    lines.push('## Findings by rule', '');
    lines.push(
      ...table(
        ['rule', 'title', 'findings', 'worst', 'remediations proposed'],
        byRule(findings).map((r) => [
          md(r.ruleId),
          md(r.title),
          String(r.count),
          md(r.worst),
          String(r.remediations),
        ]),
      ),
      '',
    );
    lines.push('## Findings by resource', '');
    const resources = byResource(findings);
    lines.push(
      ...table(
        ['resource', 'findings', 'worst', 'rules'],
        capped(resources, lines, 'resources').map((r) => [
          md(r.resource, 300),
          String(r.count),
          md(r.worst),
          r.rules.map((id) => md(id)).join(', '),
        ]),
      ),
      '',
    );

    lines.push('## Timeline per principal', '');
    for (const timeline of capped(timelines(findings), lines, 'principals')) {
      lines.push(
        `### ${md(timeline.actor, 300)} (${plural(timeline.findings.length, 'finding')}, worst ${timeline.worst})`,
        '',
      );
      for (const f of capped(timeline.findings, lines, 'findings'))
        lines.push(
          `- ${md(f.eventTime)} **${md(f.severity)}** ${md(f.ruleId)} on ${md(f.resource, 300)}: ${md(f.summary)}`,
        );
      lines.push('');
    }

    lines.push('## Remediation advice', '');
    for (const row of byRule(findings)) {
      lines.push(`### ${md(row.ruleId)}: ${md(row.title)} (${plural(row.count, 'finding')})`, '');
      if (row.rule) {
        lines.push(markdownToMarkdown(row.rule.rationale), '');
        row.rule.nextSteps.forEach((step, index) => {
          lines.push(`${index + 1}. ${markdownToMarkdown(step)}`);
        });
        if (row.rule.remediation)
          lines.push(
            '',
            `Automatic remediation: ${md(row.rule.remediation)} (proposed for ${plural(row.remediations, 'finding')}; the baseline's mode decides dry-run or enforce).`,
          );
        lines.push('');
      }
    }
  }

  if (report.suppressed.length > 0) {
    lines.push(`## Suppressed by the baseline (${report.suppressed.length})`, '');
    lines.push(
      ...table(
        ['time', 'rule', 'resource', 'suppression', 'reason'],
        capped(report.suppressed, lines, 'suppressed findings').map(({ finding, suppression }) => [
          md(finding.eventTime),
          md(finding.ruleId),
          md(finding.resource, 300),
          md(suppression.path),
          md(suppression.reason),
        ]),
      ),
      '',
    );
  }

  if (summary.malformed > 0) {
    lines.push(`## Malformed input (${summary.malformed})`, '');
    lines.push(
      ...table(
        ['file', 'where', 'reason'],
        capped(report.malformed, lines, 'malformed entries').map((m) => [
          md(m.file, 300),
          md(m.where ?? ''),
          md(m.reason),
        ]),
      ),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
