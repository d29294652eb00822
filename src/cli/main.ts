/**
 * The `guardrail` command. Exit codes (exit.ts): 0 the job ran (whatever it found), 2 it could not start (one
 * line on stderr, no stack trace), 3 it ran but part failed afterwards (report written), 1 a bug (set
 * GUARDRAIL_DEBUG=1 for the stack).
 */
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { errorMessage } from '../core/errors.ts';
import { registerBaseline } from './commands/baseline.ts';
import { registerEvaluate } from './commands/evaluate.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerReplay } from './commands/replay.ts';
import { registerRules } from './commands/rules.ts';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exit.ts';
import type { Io } from './io.ts';
import { processIo } from './io.ts';

export { EXIT } from './exit.ts';

function buildProgram(io: Io): Command {
  const program = new Command('guardrail')
    .description('Always-on AWS account guardrail: evaluate CloudTrail events against a baseline.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .addHelpText('after', EXIT_CODES_HELP);
  // One line per subcommand; each lives in commands/<name>.ts.
  registerEvaluate(program, io);
  registerBaseline(program, io);
  registerRules(program, io);
  registerPolicy(program, io);
  registerReplay(program, io);
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack unless GUARDRAIL_DEBUG is set. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const code = exitCodeOf(error);
    if (error instanceof CommanderError) {
      if (code !== EXIT.ok) io.stderr(`guardrail: ${errorMessage(error.message.replace(/^error: /, ''))}\n`);
      return code;
    }
    if (code === EXIT.bug) {
      io.stderr(`guardrail: internal error: ${errorMessage(error)}\n`);
      if (io.env?.GUARDRAIL_DEBUG) io.stderr(`${(error as Error).stack ?? ''}\n`);
      return code;
    }
    io.stderr(`guardrail: ${errorMessage(error)}\n`);
    return code;
  }
}

/**
 * The process entry (bin/guardrail.js): a reader that closes stdout early (`guardrail rules | head -1`) ends
 * the command quietly with status 0 instead of an EPIPE stack trace.
 */
export async function main(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
    throw error;
  });
  process.exitCode = await run(argv);
}
