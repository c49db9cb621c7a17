/**
 * The `canvas-kaltura` command line: one file per command group, wired together here.
 * Returns the process exit code instead of exiting, so tests can run it in-process.
 */
import { Command, CommanderError } from 'commander';
import { registerKsCommands } from './ks-command.js';
import { registerServeCommands } from './serve-command.js';
import { registerAccountCommands } from './accounts-command.js';
import { registerUserCommands } from './users-command.js';
import { registerDeveloperKeyCommands } from './developer-keys-command.js';
import { registerTokenCommands } from './tokens-command.js';
import { registerSettingsCommands } from './settings-command.js';
import { registerAuditCommands } from './audit-command.js';
import { registerMediaCommands } from './media-command.js';

/** A problem with what the user typed: printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Builds the command tree; `io` lets tests capture output. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('canvas-kaltura')
    .description('Canvas Services API for Kaltura: server, administration and KS tools')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  registerServeCommands(program, io);
  registerAccountCommands(program, io);
  registerUserCommands(program, io);
  registerDeveloperKeyCommands(program, io);
  registerTokenCommands(program, io);
  registerSettingsCommands(program, io);
  registerAuditCommands(program, io);
  registerMediaCommands(program, io);
  registerKsCommands(program, io);
  return program;
}

/** Where a command writes; the real CLI uses stdout/stderr. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Set by a command that wants a specific exit code. */
  exitCode?: number;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo = stdio()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return io.exitCode ?? 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0;
      // Usage errors: the KS tools promise 2, every other group 1.
      return argv[0] === 'ks' ? 2 : 1;
    }
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

function stdio(): CliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  };
}
