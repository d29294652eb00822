/**
 * The `guardrail` command. Exit codes (exit.ts): 0 the job ran (whatever it found), 2 it could not start (one
 * line on stderr, no stack trace), 3 it ran but part failed afterwards (report written), 1 a bug (set
 * GUARDRAIL_DEBUG=1 for the stack).
 */
import type { Command as CommandType } from 'commander';
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { errorMessage } from '../core/errors.ts';
import { EXIT, EXIT_CODES_HELP, exitCodeOf } from './exit.ts';
import type { Io } from './io.ts';
import { processIo } from './io.ts';

export { EXIT } from './exit.ts';

type Register = (program: CommandType, io: Io) => void;

/**
 * Every subcommand, loaded only when it runs: `guardrail rules` never loads the replay, YAML or the report
 * renderers, which keeps start-up short. `summary` is what `guardrail --help` lists without loading any of
 * them; test/cli/commandline.test.ts checks it against each command's own description.
 */
export const COMMANDS: Readonly<
  Record<string, { readonly summary: string; readonly load: () => Promise<Register> }>
> = {
  evaluate: {
    summary:
      'Evaluate CloudTrail records: an EventBridge envelope, a bare record, a log file {"Records": [...]}, a LookupEvents reply or JSON Lines; .json or .json.gz',
    load: async () => (await import('./commands/evaluate.ts')).registerEvaluate,
  },
  baseline: {
    summary: 'Work with baseline files',
    load: async () => (await import('./commands/baseline.ts')).registerBaseline,
  },
  rules: {
    summary: 'List the rules and their ids',
    load: async () => (await import('./commands/rules.ts')).registerRules,
  },
  policy: {
    summary: 'Work with IAM policy documents',
    load: async () => (await import('./commands/policy.ts')).registerPolicy,
  },
  replay: {
    summary:
      'Audit CloudTrail history offline: log files (.json, .json.gz), directories (the AWSLogs/ layout), s3://bucket/prefix, or --lookup; writes one report',
    load: async () => (await import('./commands/replay.ts')).registerReplay,
  },
  athena: {
    summary: 'Athena over the trail bucket, for replay athena://DATABASE.TABLE',
    load: async () => (await import('./commands/athena.ts')).registerAthena,
  },
};

/** The program with the command named in argv registered for real, the others as one-line entries for --help. */
export async function buildProgram(io: Io, argv: readonly string[] = []): Promise<CommandType> {
  const program = new Command('guardrail')
    .description('Always-on AWS account guardrail: evaluate CloudTrail events against a baseline.')
    .version(packageJson.version, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .addHelpText('after', EXIT_CODES_HELP);
  const named = argv[0] === 'help' ? argv[1] : argv[0];
  for (const [name, { summary, load }] of Object.entries(COMMANDS)) {
    if (name === named) (await load())(program, io);
    else program.command(name).description(summary);
  }
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Runs the CLI and returns the exit code; never throws, never prints a stack unless GUARDRAIL_DEBUG is set. */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
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
