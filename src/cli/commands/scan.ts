/**
 * `guardrail scan --baseline FILE [--region R]...`: the account's current state against the baseline, with the
 * rules the events are judged by (what a lost event left behind, what happened before guardrail was deployed).
 * Read-only: remediations are proposed, as `evaluate` proposes them; the scheduled scan function applies them.
 * Exit 0 with the findings; 2 when it could not start (the baseline, or IAM refusing the account's
 * authorization details); 3 when the report was written but part of the account could not be read.
 */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { CLIENT_CONFIG } from '../../aws/clientConfig.ts';
import { oneLine, UsageError } from '../../core/errors.ts';
import type { ScanResult } from '../../state/scan.ts';
import type { AccountState } from '../../state/state.ts';
import { PartialFailure } from '../exit.ts';
import type { Io } from '../io.ts';
import { renderText } from '../render.ts';
import { loadBaselineFile } from './baseline.ts';

interface ScanCliOptions {
  readonly baseline: string;
  readonly region: string[];
  readonly format: 'json' | 'text';
  readonly concurrency: number;
  readonly quiet?: boolean;
}

export function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

export function concurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32)
    throw new InvalidArgumentError('expected an integer from 1 to 32');
  return n;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The scan as text: the findings as `evaluate --format text` shows them, then what was not read or judged. */
export function renderScanText(result: ScanResult): string {
  const e = result.examined;
  const lines = [
    `scan of ${result.account} at ${result.scannedAt}: ${e.users} users, ${e.roles} roles (${e.awsOwnedRoles} AWS-owned left out), ${e.groups} groups, ${e.policies} customer-managed policies, ${e.instances} running instances in ${e.regions} region(s)`,
    renderText(result.findings, [], result.suppressed).trimEnd(),
  ];
  if (result.problems.length > 0) {
    lines.push('', 'not read (not judged):');
    for (const problem of result.problems)
      lines.push(`  ${oneLine(problem.what, 200)}: ${oneLine(problem.error, 300)}`);
  }
  const notJudged = Object.entries(result.notJudged);
  if (notJudged.length > 0) {
    lines.push('', 'state no rule of this build judges yet:');
    for (const [eventName, count] of notJudged) lines.push(`  ${count} as ${eventName}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The options every command that reads the account takes (scan, baseline snapshot). */
export interface ReadCliOptions {
  readonly region: readonly string[];
  readonly concurrency: number;
  readonly quiet?: boolean;
}

/**
 * The account's state, read with the CLI's credentials (AWS_ENDPOINT_URL_IAM/EC2 or AWS_ENDPOINT_URL for a
 * local endpoint); progress on stderr unless quiet. The SDK clients load only here.
 */
export async function readStateForCli(io: Io, options: ReadCliOptions): Promise<AccountState> {
  const env = io.env ?? {};
  const regions =
    options.region.length > 0
      ? [...new Set(options.region)]
      : [env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'];
  for (const region of regions)
    if (!REGION.test(region)) throw new UsageError(`--region ${region}: not an AWS region`);
  const endpointFor = (service: 'IAM' | 'EC2'): string | undefined =>
    env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;

  // The SDK clients load only when a scan runs (`guardrail --help` never pays for them).
  const [{ IAMClient }, { EC2Client }, { readAccountState }] = await Promise.all([
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-ec2'),
    import('../../state/read.ts'),
  ]);
  const iamEndpoint = endpointFor('IAM');
  const ec2Endpoint = endpointFor('EC2');
  const iam = new IAMClient({
    ...CLIENT_CONFIG,
    region: regions[0] as string,
    ...(iamEndpoint ? { endpoint: iamEndpoint } : {}),
  });
  const ec2Clients = new Map<string, InstanceType<typeof EC2Client>>();
  const ec2 = (region: string) => {
    const client =
      ec2Clients.get(region) ??
      new EC2Client({ ...CLIENT_CONFIG, region, ...(ec2Endpoint ? { endpoint: ec2Endpoint } : {}) });
    ec2Clients.set(region, client);
    return client;
  };
  const progress = (line: string) => {
    if (!options.quiet) io.stderr(`guardrail: ${line}\n`);
  };
  try {
    return await readAccountState(
      { iam, ec2 },
      { regions, concurrency: options.concurrency, onProgress: progress },
    );
  } finally {
    iam.destroy();
    for (const client of ec2Clients.values()) client.destroy();
  }
}

export function registerScan(program: Command, io: Io): void {
  program
    .command('scan')
    .description(
      "Judge the account's current state (IAM users, roles, groups, policies, keys; EC2 instances' metadata options) against a baseline, with the event rules",
    )
    .requiredOption('-b, --baseline <path>', 'baseline YAML file')
    .option(
      '--region <regions>',
      'regions whose instances and IMDS defaults are read (repeatable or comma-separated; default AWS_REGION, else us-east-1)',
      collect,
      [],
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'text']).default('json'))
    .addOption(
      new Option('--concurrency <n>', 'AWS reads in flight at once (1 to 32)')
        .argParser(concurrency)
        .default(4),
    )
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(async (options: ScanCliOptions) => {
      const baseline = loadBaselineFile(options.baseline);
      const state = await readStateForCli(io, options);
      const { scanState } = await import('../../state/scan.ts');
      const result = scanState(state, baseline, { scanId: `scan-${state.takenAt}` });
      io.stdout(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderScanText(result));
      if (result.problems.length > 0) {
        throw new PartialFailure(
          `${result.problems.length} part(s) of the account could not be read and were not judged: ${result.problems
            .slice(0, 3)
            .map((p) => p.what)
            .join('; ')}${result.problems.length > 3 ? '; ...' : ''}`,
        );
      }
    });
}
