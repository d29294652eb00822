/**
 * SARIF 2.1.0 for code-scanning dashboards: one run, the replay's rules as reportingDescriptors (with their
 * rationale and next steps as help), one result per finding located at the log file it came from, and
 * malformed inputs as tool notifications.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Severity } from '../../core/types.ts';
import { markdownToPlain } from '../../notify/markdown.ts';
import { RULES } from '../../rules/index.ts';
import type { FindingSource, ReplayReport } from '../types.ts';

const LEVEL: Record<Severity, Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning reads `security-severity` (0-10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A valid URI reference for any input name: local paths become file URLs or encoded relative paths. */
export function artifactUri(file: string): string {
  const encodePath = (path: string): string => path.split(/[\\/]/).map(encodeURIComponent).join('/');
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(file);
  if (s3) return `s3://${encodeURIComponent(s3[1] as string)}/${encodePath(s3[2] ?? '')}`;
  const scheme = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(file);
  // `cloudtrail-lookup:us-east-1:CreateUser:page-1`; a Windows drive letter is a path, not a scheme.
  if (scheme && !/^[a-z]:[\\/]/i.test(file)) return `${scheme[1]}:${encodePath(scheme[2] ?? '')}`;
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return encodePath(file);
}

function fingerprint(ruleId: string, eventId: string, resource: string): string {
  return createHash('sha256').update(`${ruleId}\u0000${eventId}\u0000${resource}`).digest('hex');
}

function location(source: FindingSource, resource?: string) {
  return {
    physicalLocation: { artifactLocation: { uri: artifactUri(source.file) } },
    ...(resource || source.where
      ? {
          logicalLocations: [
            ...(resource ? [{ fullyQualifiedName: resource, kind: 'resource' }] : []),
            ...(source.where ? [{ fullyQualifiedName: source.where, kind: 'element' }] : []),
          ],
        }
      : {}),
  };
}

export function renderSarif(report: ReplayReport): string {
  const rules = RULES.filter((rule) => report.replay.rules.includes(rule.id));
  const descriptors: ReportingDescriptor[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.title,
    shortDescription: { text: rule.title },
    fullDescription: { text: markdownToPlain(rule.rationale), markdown: rule.rationale },
    help: {
      text: rule.nextSteps.map((step, index) => `${index + 1}. ${markdownToPlain(step)}`).join('\n'),
      markdown: rule.nextSteps.map((step, index) => `${index + 1}. ${step}`).join('\n'),
    },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', 'aws', 'cloudtrail', ...rule.events],
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  }));
  const results: Result[] = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ...(rules.findIndex((rule) => rule.id === f.ruleId) >= 0
      ? { ruleIndex: rules.findIndex((rule) => rule.id === f.ruleId) }
      : {}),
    level: LEVEL[f.severity],
    message: { text: f.summary },
    locations: [location(f.source, f.resource)],
    partialFingerprints: { 'guardrailFinding/v1': fingerprint(f.ruleId, f.eventId, f.resource) },
    properties: {
      severity: f.severity,
      'security-severity': SECURITY_SEVERITY[f.severity],
      eventId: f.eventId,
      eventName: f.eventName,
      eventTime: f.eventTime,
      account: f.account,
      region: f.region,
      actor: f.actor,
      sourceIp: f.sourceIp,
      resource: f.resource,
      remediation: f.remediation,
      details: f.details,
    },
  }));
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'guardrail',
            version: toolVersion(),
            rules: descriptors,
          },
        },
        automationDetails: { id: 'guardrail/replay/' },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.malformed.map((entry) => ({
              level: 'warning' as const,
              message: { text: `malformed input: ${entry.reason}` },
              locations: [location({ file: entry.file, ...(entry.where ? { where: entry.where } : {}) })],
            })),
          },
        ],
        results,
        properties: { summary: report.summary, replay: report.replay },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
