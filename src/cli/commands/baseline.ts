/** `guardrail baseline validate PATH`, and the baseline file check every command shares. */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { Baseline } from '../../baseline/baseline.ts';
import { loadBaseline } from '../../baseline/load.ts';
import { BaselineError } from '../../core/errors.ts';
import type { Io } from '../io.ts';

/** loadBaseline, with a directory named as one (reading it would only say "cannot be read"). */
export function loadBaselineFile(path: string): Baseline {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // missing or unreadable: loadBaseline says which
  }
  if (isDirectory) throw new BaselineError(`${path}: is a directory; give the baseline YAML file`);
  return loadBaseline(path);
}

export function registerBaseline(program: Command, io: Io): void {
  program
    .command('baseline')
    .description('Work with baseline files')
    .command('validate')
    .description('Check a baseline file and print a summary')
    .argument('<path>', 'baseline YAML file')
    .action((path: string) => {
      const baseline = loadBaselineFile(path);
      io.stdout(
        `${path}: valid: ${baseline.roles.size} roles, ${baseline.approvedUsers.length} approved and ${baseline.ephemeralUsers.length} ephemeral user patterns, ${baseline.suppressions.length} suppressions\n`,
      );
    });
}
