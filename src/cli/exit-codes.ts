// Exit codes (PRODUCT.md §1). Only src/cli/ calls process.exit.
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2, // usage error or invalid model: nothing written
  data: 3, // input data error that aborted the run: nothing replaced
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A user-facing failure raised inside a command: printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code?: string,
  ) {
    super(message);
  }
}
