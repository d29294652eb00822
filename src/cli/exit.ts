/**
 * The `guardrail` exit codes, decided here once: each error class maps to one code, and every command's
 * `--help` prints the same table as the README.
 */
import { CommanderError } from 'commander';
import { GuardrailError } from '../core/errors.ts';
import { SourceError } from '../replay/errors.ts';

export const EXIT = { ok: 0, bug: 1, couldNotStart: 2, partial: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The command ran and wrote its report, but part of it failed afterwards (a `--notify` publish, an S3 object
 * or a LookupEvents query mid-replay). Thrown last, after all output is written.
 */
export class PartialFailure extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PartialFailure';
  }
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  the command did its job (findings or not; malformed records are listed, not fatal)
  2  it could not start: usage, missing input, invalid baseline, an AWS source refusing before the start
  3  it ran and wrote its report, but part of it failed afterwards (--notify, an S3 object or a
     LookupEvents query mid-replay); stderr says what
  1  a bug (GUARDRAIL_DEBUG=1 prints the stack)
`;

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.couldNotStart;
  if (error instanceof PartialFailure) return EXIT.partial;
  if (error instanceof GuardrailError || error instanceof SourceError) return EXIT.couldNotStart;
  return EXIT.bug;
}
