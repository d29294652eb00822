/** `guardrail rules`: the rule ids (a public contract) with severity, event and title. */
import type { Command } from 'commander';
import { RULE_IDS } from '../../core/types.ts';
import { RULES } from '../../rules/index.ts';
import type { Io } from '../io.ts';

export function registerRules(program: Command, io: Io): void {
  program
    .command('rules')
    .description('List the rules and their ids')
    .action(() => {
      for (const rule of RULES)
        io.stdout(`${rule.id}\t${rule.severity}\t${rule.events.join(',')}\t${rule.title}\n`);
      for (const id of RULE_IDS.filter((id) => !RULES.some((rule) => rule.id === id))) {
        io.stdout(`${id}\t-\tscheduled sweep\n`);
      }
    });
}
