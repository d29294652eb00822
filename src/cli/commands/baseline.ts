/** `guardrail baseline validate PATH`. */
import type { Command } from 'commander';
import { loadBaseline } from '../../baseline/load.ts';
import type { Io } from '../io.ts';

export function registerBaseline(program: Command, io: Io): void {
  program
    .command('baseline')
    .description('Work with baseline files')
    .command('validate')
    .description('Check a baseline file and print a summary')
    .argument('<path>', 'baseline YAML file')
    .action((path: string) => {
      const baseline = loadBaseline(path);
      io.stdout(
        `${path}: valid: ${baseline.roles.size} roles, ${baseline.approvedUsers.length} approved and ${baseline.ephemeralUsers.length} ephemeral user patterns, ${baseline.suppressions.length} suppressions\n`,
      );
    });
}
