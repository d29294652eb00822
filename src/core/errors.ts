/**
 * Typed errors, one subclass per boundary. Messages are one line, `where: path: reason`; the underlying
 * error (an SDK exception, a JSON SyntaxError) goes in `cause`, never in the message.
 */

export const ErrorCode = {
  baselineInvalid: 'baseline.invalid',
  eventMalformed: 'event.malformed',
  policyInvalid: 'policy.invalid',
  actionFailed: 'action.failed',
  notifyFailed: 'notify.failed',
  usage: 'usage',
  config: 'config.invalid',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class GuardrailError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'GuardrailError';
    this.code = code;
  }
}

export interface BaselineIssue {
  /** Dotted path inside the baseline, e.g. `roles.XploreEC2Role.permissions[0].Action`. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
}

export class BaselineError extends GuardrailError {
  /** Every problem found, first one also in the message. */
  readonly issues: readonly BaselineIssue[];
  constructor(message: string, options?: ErrorOptions & { issues?: readonly BaselineIssue[] }) {
    super(ErrorCode.baselineInvalid, message, options);
    this.name = 'BaselineError';
    this.issues = options?.issues ?? [];
  }
}

export class EventDecodeError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.eventMalformed, message, options);
    this.name = 'EventDecodeError';
  }
}

export class PolicyParseError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.policyInvalid, message, options);
    this.name = 'PolicyParseError';
  }
}

export class ActionError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.actionFailed, message, options);
    this.name = 'ActionError';
  }
}

export class NotifyError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.notifyFailed, message, options);
    this.name = 'NotifyError';
  }
}

export class UsageError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.usage, message, options);
    this.name = 'UsageError';
  }
}

export class ConfigError extends GuardrailError {
  constructor(message: string, options?: ErrorOptions) {
    super(ErrorCode.config, message, options);
    this.name = 'ConfigError';
  }
}

/** A single line fit for a terminal or a log field: newlines and control characters flattened, length capped. */
export function oneLine(text: string, max = 500): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The one-line message of anything thrown, without its stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return oneLine(error.message || error.name);
  return oneLine(String(error));
}
