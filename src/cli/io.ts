/** Where CLI output goes; tests pass their own to capture it. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The stderr stream when it is a terminal (progress bars draw there); absent when piped. */
  readonly terminal?: NodeJS.WritableStream & { readonly columns?: number };
  /** The environment the CLI reads (NO_COLOR, AWS_ENDPOINT_URL, AWS_REGION, GUARDRAIL_DEBUG); tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** What `-` reads; `isTTY` when a person would have to type it. */
  readonly stdin?: AsyncIterable<Buffer | string> & { readonly isTTY?: boolean };
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  ...(process.stderr.isTTY ? { terminal: process.stderr } : {}),
  env: process.env,
  // A getter: touching process.stdin creates the stream, which only `-` needs.
  get stdin() {
    return process.stdin;
  },
};
