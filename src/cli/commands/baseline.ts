/**
 * `guardrail baseline validate|schema|snapshot`, and the baseline file check every command shares. The
 * snapshot reads the account, so its AWS clients load only when it runs.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Baseline } from '../../baseline/baseline.ts';
import { BASELINE_HINTS } from '../../baseline/hints.ts';
import { loadBaseline, parseBaseline, readBaselineFile, validateBaselineText } from '../../baseline/load.ts';
import { BaselineError } from '../../core/errors.ts';
import type { Io } from '../io.ts';

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
}
