/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no network), every field escaped.
 * A Content-Security-Policy forbids scripts and remote loads as a second line of defence; the escaping is
 * the first and is tested on its own.
 */
import type { Severity } from '../../core/types.ts';
import { WATCHED_EVENTS } from '../../events/subjects/index.ts';
import { markdownToHtml } from '../../notify/markdown.ts';
import type { ReplayReport, ReportFinding } from '../types.ts';
import { escapeHtml as h, wrapHtml as w } from './escape.ts';
import type { Chart } from './view.ts';
import {
  byResource,
  byRule,
  bySeverity,
  chartOf,
  HUMAN_ROW_CAP,
  plural,
  SEVERITIES_WORST_FIRST,
  timelines,
} from './view.ts';

const COLOURS: Record<Severity, string> = {
  critical: '#8b0000',
  high: '#d9480f',
  medium: '#e8a200',
  low: '#1c7ed6',
  info: '#868e96',
};

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#212529;background:#f8f9fa}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 8px;border-bottom:2px solid #dee2e6;padding-bottom:4px}
h3{margin:20px 0 6px;font-size:17px}
table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px}
th,td{border:1px solid #dee2e6;padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}
h1,h2,h3{overflow-wrap:normal;word-break:normal}
th{background:#f1f3f5}
td.nw{white-space:nowrap;overflow-wrap:normal}
.scope{color:#495057;margin:0 0 12px}.scope dt{font-weight:600;float:left;clear:left;width:90px}.scope dd{margin:0 0 2px 96px}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.card{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:8px 14px;min-width:96px}
.card b{display:block;font-size:22px}.card span{color:#495057;font-size:13px}
.sev{display:inline-block;white-space:nowrap;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
${SEVERITIES_WORST_FIRST.map((s) => `.sev-${s}{background:${COLOURS[s]}}`).join('')}
.note{color:#495057;font-style:italic}
ol.steps li{margin:2px 0}
.timeline{list-style:none;padding-left:0}.timeline li{padding:3px 0;border-bottom:1px dashed #e9ecef}
.timeline time{font-family:ui-monospace,monospace;font-size:13px;color:#495057;margin-right:6px}
code{font-family:ui-monospace,monospace;font-size:13px}
figure{margin:0}
.nb{white-space:nowrap}
svg text{font:11px system-ui,sans-serif;fill:#495057}
.legend span{margin-right:12px;font-size:13px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
`;

function badge(severity: Severity): string {
  return `<span class="sev sev-${h(severity)}">${h(severity)}</span>`;
}

function capNote(total: number, what: string): string {
  return total > HUMAN_ROW_CAP
    ? `<p class="note">Showing the first ${HUMAN_ROW_CAP} of ${total.toLocaleString('en-US')} ${h(what)}; the JSON and CSV reports list all.</p>`
    : '';
}

function findingsTable(findings: readonly ReportFinding[]): string {
  const rows = findings
    .slice(0, HUMAN_ROW_CAP)
    .map(
      (f) =>
        `<tr><td class="nw"><time>${h(f.eventTime)}</time></td><td class="nw">${badge(f.severity)}</td><td class="nw"><code>${h(f.ruleId)}</code></td><td>${w(f.resource)}</td><td>${w(f.actor)}</td><td>${h(f.summary)}</td></tr>`,
    )
    .join('\n');
  return `${capNote(findings.length, 'findings')}<table><thead><tr><th>time</th><th>severity</th><th>rule</th><th>resource</th><th>principal</th><th>summary</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function isoDay(ms: number, withHour: boolean): string {
  const iso = new Date(ms).toISOString();
  return withHour ? `${iso.slice(0, 13)}:00Z` : iso.slice(0, 10);
}

/** Stacked bars, one per time bucket, worst severity on top; each bar says its counts on hover. */
function chartSvg(chart: Chart): string {
  // The page's content width (main's max-width), so on a wide screen the chart is drawn at the size it is shown.
  const width = 1180;
  const height = 200;
  const left = 36;
  const bottom = 24;
  const plotWidth = width - left - 8;
  const plotHeight = height - bottom - 10;
  const max = Math.max(...chart.buckets.map((b) => b.total), 1);
  const barWidth = plotWidth / chart.buckets.length;
  const hourly = chart.bucketMs < 86_400_000;
  const bars = chart.buckets
    .map((bucket, index) => {
      if (bucket.total === 0) return '';
      const x = left + index * barWidth + Math.min(2, barWidth * 0.1);
      const w = Math.max(barWidth - Math.min(4, barWidth * 0.2), 1);
      let y = height - bottom;
      const parts = [...SEVERITIES_WORST_FIRST].reverse().flatMap((severity) => {
        const count = bucket.counts[severity];
        if (count === 0) return [];
        const barHeight = (count / max) * plotHeight;
        y -= barHeight;
        return [
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${COLOURS[severity]}"/>`,
        ];
      });
      const label = `${isoDay(bucket.start, hourly)}: ${plural(bucket.total, 'finding')} (${SEVERITIES_WORST_FIRST.filter(
        (s) => bucket.counts[s] > 0,
      )
        .map((s) => `${bucket.counts[s]} ${s}`)
        .join(', ')})`;
      return `<g class="bar" data-total="${bucket.total}"><title>${h(label)}</title>${parts.join('')}</g>`;
    })
    .join('\n');
  const first = chart.buckets[0];
  const last = chart.buckets[chart.buckets.length - 1];
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width - 8}" y2="${height - bottom}" stroke="#adb5bd"/>
<text x="${left - 4}" y="16" text-anchor="end">${max}</text><text x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>
<text x="${left}" y="${height - 6}">${h(first ? isoDay(first.start, hourly) : '')}</text>
<text x="${width - 8}" y="${height - 6}" text-anchor="end">${h(last ? isoDay(last.start, hourly) : '')}</text>`;
  const legend = SEVERITIES_WORST_FIRST.map(
    (s) => `<span><i style="background:${COLOURS[s]}"></i>${h(s)}</span>`,
  ).join('');
  return `<figure><svg id="chart" role="img" aria-label="Findings over time, one bar per ${h(chart.bucketLabel)}" viewBox="0 0 ${width} ${height}" width="100%" style="display:block;background:#fff;border:1px solid #dee2e6">
${axis}
${bars}
</svg><figcaption class="legend">One bar per ${h(chart.bucketLabel)}. ${legend}</figcaption></figure>`;
}

/** Why the chart is empty: no watched event at all (say how much was read), or none that gave a finding. */
function nothingNote(summary: ReplayReport['summary']): string {
  if (summary.evaluated > 0) return 'No findings in this replay.';
  return `No findings: ${plural(summary.records, 'record')} read from ${plural(summary.files, 'file')}, and none was a watched event (${Object.keys(WATCHED_EVENTS).join(', ')}).`;
}

export function renderHtml(report: ReplayReport): string {
  const { summary, findings, replay } = report;
  const out: string[] = [];
  out.push(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Guardrail replay report: ${h(plural(summary.findings, 'finding'))}</title>
<style>${STYLE}</style></head><body><main>
<h1>Guardrail replay report</h1>
<dl class="scope">
<dt>Sources</dt><dd>${replay.sources.map((s) => `<code>${w(s)}</code>`).join(', ') || 'none'}</dd>
<dt>Baseline</dt><dd><code>${w(replay.baseline)}</code></dd>
<dt>Window</dt><dd>${h(replay.since ?? 'beginning')} to ${h(replay.until ?? 'end')}</dd>
<dt>Rules</dt><dd>${replay.rules.map((r) => `<code>${h(r)}</code>`).join(', ')}</dd>
</dl>`);

  const cards: [string, number][] = [
    ['findings', summary.findings],
    ['files', summary.files],
    ['records', summary.records],
    ['evaluated', summary.evaluated],
    ['duplicates', summary.duplicates],
    ['malformed', summary.malformed],
    ['skipped', summary.skipped],
    ['suppressed', summary.suppressed],
  ];
  out.push(`<section id="summary"><h2>Summary</h2><div class="cards">${cards
    .map(
      ([label, value]) =>
        `<div class="card" data-metric="${h(label)}"><b>${value.toLocaleString('en-US')}</b><span>${h(label)}</span></div>`,
    )
    .join('')}</div>
<p>${SEVERITIES_WORST_FIRST.map((s) => `${badge(s)} ${summary.bySeverity[s]}`).join(' &nbsp; ')}</p>
${summary.outOfRange > 0 || summary.prunedFiles > 0 ? `<p class="note">Outside the window: ${h(plural(summary.outOfRange, 'record'))}; ${h(plural(summary.prunedFiles, 'file'))} not read (date folder).</p>` : ''}
</section>`);

  const chart = chartOf(findings);
  out.push(
    `<section id="over-time"><h2>Findings over time</h2>${chart ? chartSvg(chart) : `<p id="nothing">${h(nothingNote(summary))}</p>`}</section>`,
  );

  out.push('<section id="by-severity"><h2>Findings by severity</h2>');
  if (findings.length === 0) out.push('<p>No findings.</p>');
  for (const [severity, group] of bySeverity(findings)) {
    if (group.length === 0) continue;
    out.push(`<h3>${badge(severity)} ${h(plural(group.length, 'finding'))}</h3>${findingsTable(group)}`);
  }
  out.push('</section>');

  if (findings.length > 0) {
    out.push(`<section id="by-rule"><h2>Findings by rule</h2><table><thead><tr><th>rule</th><th>title</th><th>findings</th><th>worst</th><th>remediations proposed</th></tr></thead><tbody>
${byRule(findings)
  .map(
    (r) =>
      `<tr><td><code>${h(r.ruleId)}</code></td><td>${h(r.title)}</td><td>${r.count}</td><td>${badge(r.worst)}</td><td>${r.remediations}</td></tr>`,
  )
  .join('\n')}
</tbody></table></section>`);

    const resources = byResource(findings);
    out.push(`<section id="by-resource"><h2>Findings by resource</h2>${capNote(resources.length, 'resources')}<table><thead><tr><th>resource</th><th>findings</th><th>worst</th><th>rules</th></tr></thead><tbody>
${resources
  .slice(0, HUMAN_ROW_CAP)
  .map(
    (r) =>
      `<tr><td>${w(r.resource)}</td><td>${r.count}</td><td>${badge(r.worst)}</td><td>${r.rules.map((id) => `<code>${h(id)}</code>`).join(', ')}</td></tr>`,
  )
  .join('\n')}
</tbody></table></section>`);

    const principals = timelines(findings);
    out.push(
      `<section id="timeline"><h2>Timeline per principal</h2>${capNote(principals.length, 'principals')}`,
    );
    for (const timeline of principals.slice(0, HUMAN_ROW_CAP)) {
      out.push(`<h3 class="principal">${w(timeline.actor)} <small>${h(plural(timeline.findings.length, 'finding'))}, worst ${badge(timeline.worst)}</small></h3>
${capNote(timeline.findings.length, 'findings')}<ul class="timeline">
${timeline.findings
  .slice(0, HUMAN_ROW_CAP)
  .map(
    (f) =>
      `<li><time>${h(f.eventTime)}</time>${badge(f.severity)} <code>${h(f.ruleId)}</code> on ${w(f.resource)}: ${h(f.summary)}</li>`,
  )
  .join('\n')}
</ul>`);
    }
    out.push('</section>');

    out.push('<section id="remediation"><h2>Remediation advice</h2>');
    for (const row of byRule(findings)) {
      out.push(
        `<h3><code>${h(row.ruleId)}</code>: ${h(row.title)} <small>(${h(plural(row.count, 'finding'))})</small></h3>`,
      );
      if (!row.rule) continue;
      out.push(
        `<p>${markdownToHtml(row.rule.rationale)}</p><ol class="steps">${row.rule.nextSteps.map((step) => `<li>${markdownToHtml(step)}</li>`).join('')}</ol>`,
      );
      if (row.rule.remediation)
        out.push(
          `<p>Automatic remediation <code>${h(row.rule.remediation)}</code> proposed for ${h(plural(row.remediations, 'finding'))}; the baseline's mode decides dry-run or enforce.</p>`,
        );
    }
    out.push('</section>');
  }

  if (report.suppressed.length > 0) {
    out.push(`<section id="suppressed"><h2>Suppressed by the baseline (${report.suppressed.length})</h2>${capNote(report.suppressed.length, 'suppressed findings')}<table><thead><tr><th>time</th><th>rule</th><th>resource</th><th>suppression</th><th>reason</th></tr></thead><tbody>
${report.suppressed
  .slice(0, HUMAN_ROW_CAP)
  .map(
    ({ finding, suppression }) =>
      `<tr><td><time>${h(finding.eventTime)}</time></td><td><code>${h(finding.ruleId)}</code></td><td>${w(finding.resource)}</td><td><code>${h(suppression.path)}</code></td><td>${h(suppression.reason)}</td></tr>`,
  )
  .join('\n')}
</tbody></table></section>`);
  }

  if (summary.malformed > 0) {
    out.push(`<section id="malformed"><h2>Malformed input (${summary.malformed.toLocaleString('en-US')})</h2>${capNote(report.malformed.length, 'entries')}<table><thead><tr><th>file</th><th>where</th><th>reason</th></tr></thead><tbody>
${report.malformed
  .slice(0, HUMAN_ROW_CAP)
  .map((m) => `<tr><td>${w(m.file)}</td><td>${h(m.where ?? '')}</td><td>${h(m.reason)}</td></tr>`)
  .join('\n')}
</tbody></table></section>`);
  }

  out.push('</main></body></html>');
  return `${out.join('\n')}\n`;
}
