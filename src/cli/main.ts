/**
 * The `canvas-kaltura` command line: one file per command group, wired together here.
 * Returns the process exit code instead of exiting, so tests can run it in-process.
 *
 * Start-up cost: only the module of the command being run is loaded (`ks generate` must not
 * load Fastify, Kysely or the server). Every other command is listed for `--help` by name and
 * summary alone. To add a command group, add one line to COMMANDS.
 */
import { Command, CommanderError } from 'commander';
import { UsageError, type CliIo } from './cli-io.js';

export { UsageError, type CliIo } from './cli-io.js';

/** Adds a command (or group) to the program; what each `*-command.ts` exports. */
type Register = (program: Command, io: CliIo) => void;

/** A top-level command: its name, its line in `--help`, and its module, loaded only to run it. */
interface LazyCommand {
  name: string;
  summary: string;
  load: () => Promise<Register>;
}

const COMMANDS: readonly LazyCommand[] = [
  { name: 'serve', summary: 'run the HTTP service (same as npm start)', load: async () => (await import('./serve-command.js')).registerServeCommand },
  { name: 'migrate', summary: 'bring the database schema up to date', load: async () => (await import('./serve-command.js')).registerMigrateCommand },
  { name: 'backup', summary: 'copy the SQLite database to a file while the service runs', load: async () => (await import('./backup-command.js')).registerBackupCommand },
  { name: 'restore', summary: 'replace the SQLite database with a backup (service stopped)', load: async () => (await import('./backup-command.js')).registerRestoreCommand },
  { name: 'accounts', summary: 'root accounts', load: async () => (await import('./accounts-command.js')).registerAccountCommands },
  { name: 'users', summary: 'users and logins', load: async () => (await import('./users-command.js')).registerUserCommands },
  { name: 'developer-keys', summary: 'developer keys (token issuers, with scopes)', load: async () => (await import('./developer-keys-command.js')).registerDeveloperKeyCommands },
  { name: 'tokens', summary: 'access tokens', load: async () => (await import('./tokens-command.js')).registerTokenCommands },
  { name: 'settings', summary: 'Kaltura settings (site-wide, or one root account with --account)', load: async () => (await import('./settings-command.js')).registerSettingsCommands },
  { name: 'audit', summary: 'audit log of minted Kaltura sessions', load: async () => (await import('./audit-command.js')).registerAuditCommands },
  { name: 'media', summary: 'media objects registered after uploads', load: async () => (await import('./media-command.js')).registerMediaCommands },
  { name: 'ks', summary: 'Kaltura Session tools', load: async () => (await import('./ks-command.js')).registerKsCommands },
];

/**
 * Builds the command tree for `argv`: the command named by `argv[0]` (or by `help <name>`) in
 * full, every other one as a name and summary for `--help`. `io` lets tests capture output.
 */
export async function buildProgram(io: CliIo, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('canvas-kaltura')
    .description('Canvas Services API for Kaltura: server, administration and KS tools')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError();
  const wanted = argv[0] === 'help' ? argv[1] : argv[0];
  const chosen = COMMANDS.find((c) => c.name === wanted);
  const register = chosen ? await chosen.load() : undefined;
  for (const c of COMMANDS) {
    if (c === chosen) register!(program, io);
    else program.command(c.name).description(c.summary).helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CliIo = stdio()): Promise<number> {
  try {
    const program = await buildProgram(io, argv);
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
