/** One row per finding, for spreadsheets: RFC 4180 (CRLF, quoted cells), formula-leading cells defused. */
import type { ReplayReport } from '../types.ts';
import { csvCell } from './escape.ts';

export const CSV_COLUMNS = [
  'eventTime',
  'severity',
  'ruleId',
  'title',
  'resource',
  'actor',
  'account',
  'region',
  'sourceIp',
  'eventName',
  'eventId',
  'summary',
  'remediation',
  'sourceFile',
  'sourceWhere',
] as const;

export function renderCsv(report: ReplayReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const f of report.findings) {
    const remediation = f.remediation
      ? `${f.remediation.action} (${f.remediation.mode}, ${f.remediation.status})`
      : '';
    const cells = [
      f.eventTime,
      f.severity,
      f.ruleId,
      f.title,
      f.resource,
      f.actor,
      f.account,
      f.region,
      f.sourceIp,
      f.eventName,
      f.eventId,
      f.summary,
      remediation,
      f.source.file,
      f.source.where ?? '',
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
