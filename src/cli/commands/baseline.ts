/**
 * `guardrail baseline validate|schema|snapshot`, and the baseline file check every command shares. The
 * snapshot reads the account, so its AWS clients load only when it runs.
 */
import { statSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'yaml';
import type { Baseline } from '../../baseline/baseline.ts';
import { BASELINE_HINTS } from '../../baseline/hints.ts';
import { loadBaseline, parseBaseline, readBaselineFile, validateBaselineText } from '../../baseline/load.ts';
import { BaselineError } from '../../core/errors.ts';
import { PartialFailure } from '../exit.ts';
import type { Io } from '../io.ts';
import type { ReadCliOptions } from './scan.ts';
import { collect, concurrency } from './scan.ts';

function refuseDirectory(path: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // missing or unreadable: reading it says which
  }
  if (isDirectory) throw new BaselineError(`${path}: is a directory; give the baseline YAML file`);
}

/** loadBaseline, with a directory named as one (reading it would only say "cannot be read"). */
export function loadBaselineFile(path: string): Baseline {
  refuseDirectory(path);
  return loadBaseline(path, { hints: BASELINE_HINTS });
}

/**
 * Every problem of a baseline file, one line each (`file:line: path: reason`), in file order; the command then
 * fails with their count. A file that passes says what it holds.
 */
function validate(path: string, io: Io, printDefaults: boolean): void {
  refuseDirectory(path);
  const text = readBaselineFile(path);
  try {
    const baseline = parseBaseline(text, path, { hints: BASELINE_HINTS });
    if (printDefaults) {
      io.stdout(
        stringify(validateBaselineText(text, path, { hints: BASELINE_HINTS }).file, { lineWidth: 0 }),
      );
      return;
    }
    io.stdout(
      `${path}: valid: ${baseline.roles.size + baseline.rolePatterns.length} roles, ${baseline.approvedUsers.length} approved and ${baseline.ephemeralUsers.length} ephemeral user patterns, ${baseline.suppressions.length} suppressions\n`,
    );
  } catch (error) {
    if (!(error instanceof BaselineError) || error.issues.length === 0) throw error;
    for (const issue of error.issues) {
      io.stderr(`${path}${issue.line ? `:${issue.line}` : ''}: ${issue.path}: ${issue.message}\n`);
    }
    const count = error.issues.length;
    throw new BaselineError(`${path}: ${count} problem${count === 1 ? '' : 's'}`, { cause: error });
  }
}

interface SnapshotCliOptions extends ReadCliOptions {
  readonly include: string[];
  readonly exclude: string[];
  readonly merge?: string;
  readonly out?: string;
  readonly schema: string;
}

/**
 * The account as a baseline: read, written (or merged into an existing baseline), validated, then printed or
 * saved. What was left out, added and could not be approved goes to stderr.
 */
async function snapshot(io: Io, options: SnapshotCliOptions): Promise<void> {
  const existing = options.merge
    ? (() => {
        const path = options.merge;
        refuseDirectory(path);
        const text = readBaselineFile(path);
        return { text, baseline: parseBaseline(text, path, { hints: BASELINE_HINTS }) };
      })()
    : undefined;
  const { readStateForCli } = await import('./scan.ts');
  const { snapshotBaseline } = await import('../../state/snapshot.ts');
  const state = await readStateForCli(io, options);
  const result = snapshotBaseline(state, {
    include: options.include,
    exclude: options.exclude,
    ...(options.schema ? { schema: options.schema } : {}),
    ...(existing ? { merge: existing } : {}),
  });
  // Never write a baseline guardrail itself would refuse.
  try {
    parseBaseline(result.text, options.out ?? 'the snapshot');
  } catch (error) {
    throw new Error(
      `the snapshot is not a valid baseline (a guardrail bug; nothing written): ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (options.out) writeFileSync(options.out, result.text);
  else io.stdout(result.text);
  const w = result.written;
  const left = result.leftOut;
  if (!options.quiet) {
    io.stderr(
      `guardrail: snapshot of ${state.account}: ${w.roles} roles, ${w.users} approved users, ${w.groups} groups, ${w.policies} customer-managed policies, ${w.imdsProfiles} IMDS profiles${options.out ? ` written to ${options.out}` : ''}\n`,
    );
    io.stderr(
      `guardrail: left out ${left.awsOwnedRoles} service-linked or AWS-reserved roles, ${left.ephemeralUsers} ephemeral users, ${left.excluded} names by --include/--exclude, ${left.emptyPolicies} policies without statements\n`,
    );
    for (const change of result.changes) io.stderr(`guardrail: ${change}\n`);
    for (const note of result.notes) io.stderr(`guardrail: note: ${note}\n`);
  }
  if (state.problems.length > 0)
    throw new PartialFailure(
      `${state.problems.length} part(s) of the account could not be read; the snapshot leaves them as the defaults say`,
    );
}

export function registerBaseline(program: Command, io: Io): void {
  const baseline = program.command('baseline').description('Work with baseline files');
  baseline
    .command('validate')
    .description(
      'Check a baseline file: every problem at once (file, line, path, reason, a hint), or a summary of what it holds',
    )
    .argument('<path>', 'baseline YAML file')
    .option('--print-defaults', 'print the baseline with every default filled in')
    .action((path: string, options: { printDefaults?: boolean }) =>
      validate(path, io, options.printDefaults === true),
    );
  baseline
    .command('schema')
    .description(
      'Print the baseline JSON Schema (for editors: # yaml-language-server: $schema=./baseline.schema.json)',
    )
    .action(async () => {
      const { baselineJsonSchemaText } = await import('../../baseline/jsonSchema.ts');
      io.stdout(baselineJsonSchemaText());
    });
  baseline
    .command('snapshot')
    .description(
      'Write a baseline that makes the account as it is now compliant (IAM and the instances of the regions given), or extend one with --merge',
    )
    .option(
      '--region <regions>',
      'regions whose instances and IMDS defaults are read (repeatable or comma-separated; default AWS_REGION, else us-east-1)',
      collect,
      [],
    )
    .option(
      '--include <glob>',
      'only roles, users, groups and policies whose name matches (repeatable)',
      collect,
      [],
    )
    .option(
      '--exclude <glob>',
      'leave out roles, users, groups and policies whose name matches (repeatable)',
      collect,
      [],
    )
    .option('--merge <file>', 'keep this baseline as written and add what the account holds beyond it')
    .option('-o, --out <file>', 'write the baseline to this file instead of stdout')
    .option(
      '--schema <ref>',
      'what the yaml-language-server line names (guardrail baseline schema > baseline.schema.json)',
      './baseline.schema.json',
    )
    .addOption(
      new Option('--concurrency <n>', 'AWS reads in flight at once (1 to 32)')
        .argParser(concurrency)
        .default(4),
    )
    .option('-q, --quiet', 'no progress or summary lines on stderr')
    .action((options: SnapshotCliOptions) => snapshot(io, options));
}
