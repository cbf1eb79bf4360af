/**
 * A failure the user can act on: printed as one line (`error: <message>`), exit code 1, or 2 for a
 * command line that could not be understood.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** For watch: a failure that polling again cannot fix (credentials, unknown gateway). */
    readonly lasting = true,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A command line that could not be understood. */
export const usageError = (message: string) => new CliError(`${message} (run toolgate help for usage)`, 2);
