/**
 * An AWS source that refused or failed (S3, LookupEvents, Athena, CloudTrail Lake). Not a usage error: the
 * command line was right, AWS said no. Before the replay began it cannot start (the CLI exits 2); during the
 * replay the input is listed as unreadable instead and the replay goes on (the CLI exits 3).
 */
export class SourceError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SourceError';
  }
}
