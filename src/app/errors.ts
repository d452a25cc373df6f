// An input problem that aborts a run (exit 3): a located, actionable message. Row-level problems are
// rejects, not errors; these are for what makes the whole run meaningless (a missing required column,
// an unreadable file, a reject rate above --max-reject-rate, any reject under --strict). Use cases and
// io adapters throw it; the command reports it (cli/shared.ts reportInputError).
export class InputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
