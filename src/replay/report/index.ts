import type { ReplayReport } from '../types.ts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSarif } from './sarif.ts';

export const REPORT_FORMATS = ['json', 'md', 'html', 'csv', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: ReplayReport) => string> = {
  json: renderJson,
  md: renderMarkdown,
  html: renderHtml,
  csv: renderCsv,
  sarif: renderSarif,
};

export function renderReport(report: ReplayReport, format: ReportFormat): string {
  return RENDERERS[format](report);
}

/** The format a file name implies (`report.html`, `findings.sarif.json`), if any. */
export function formatFromFileName(name: string): ReportFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.sarif') || lower.endsWith('.sarif.json')) return 'sarif';
  if (lower.endsWith('.html') || lower.endsWith('.htm')) return 'html';
  if (lower.endsWith('.md') || lower.endsWith('.markdown')) return 'md';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}
