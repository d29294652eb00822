/**
 * The `guardrail` command. Exit codes: 0 when the job ran (whatever it found), 2 for input or usage it
 * cannot work with (one line on stderr, no stack trace), 1 for a bug (set GUARDRAIL_DEBUG=1 for the stack).
 */
import { Command, CommanderError } from 'commander';
import { errorMessage, GuardrailError } from '../core/errors.ts';
import { registerBaseline } from './commands/baseline.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerReplay } from './commands/replay.ts';
import { registerRules } from './commands/rules.ts';
import type { Io } from './io.ts';
import { processIo } from './io.ts';

export const EXIT = { ok: 0, bug: 1, usage: 2 } as const;

function buildProgram(io: Io): Command {
  const program = new Command('guardrail')
    .description('Always-on AWS account guardrail: evaluate CloudTrail events against a baseline.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  // One line per subcommand; each lives in commands/<name>.ts.
  registerEvaluate(program, io);
  registerBaseline(program, io);
  registerRules(program, io);
  registerPolicy(program, io);
  registerReplay(program, io);
  return program;
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack unless GUARDRAIL_DEBUG is set. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok;
      io.stderr(`guardrail: ${errorMessage(error.message.replace(/^error: /, ''))}\n`);
      return EXIT.usage;
    }
    if (error instanceof GuardrailError) {
      io.stderr(`guardrail: ${errorMessage(error)}\n`);
      return EXIT.usage;
    }
    io.stderr(`guardrail: internal error: ${errorMessage(error)}\n`);
    if (io.env?.GUARDRAIL_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
    return EXIT.bug;
  }
}
