/** What every command shares without loading anything: where it writes, and the error it throws for bad input. */

/** A problem with what the user typed: printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Where a command writes; the real CLI uses stdout/stderr. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Set by a command that wants a specific exit code. */
  exitCode?: number;
}
