/** `canvas-kaltura serve` and `canvas-kaltura migrate`; the server is loaded only when it runs. */
import type { Command } from 'commander';
import { UsageError, type CliIo } from './cli-io.js';
import { positiveInt, print } from './cli-context.js';

/** Adds `serve`. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the HTTP service (same as npm start)')
    .option('--port <n>', 'port to listen on (PORT)', (v) => (v === '0' ? 0 : positiveInt('--port')(v)))
    .option('--host <h>', 'address to listen on (HOST)')
    .option('--workers <n>', 'run N worker processes sharing the port (node:cluster); see docs/deployment.md', positiveInt('--workers'))
    .action(async (opts: { port?: number; host?: string; workers?: number }) => {
      const { loadConfig } = await import('../config.js');
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (opts.port !== undefined) config.port = opts.port;
      if (opts.host !== undefined) config.host = opts.host;
      const { default: cluster } = await import('node:cluster');
      if (opts.workers !== undefined && cluster.isPrimary) {
        const { runClusterPrimary } = await import('../cluster/cluster-primary.js');
        io.exitCode = await runClusterPrimary(config, { workers: opts.workers, out: (t) => io.out(t), log: (t) => io.err(t) });
        return;
      }
      const { closeOnSignals, startServer } = await import('../http/server-runner.js');
      const server = await startServer(config, (t) => io.out(t));
      closeOnSignals(server);
      // A worker whose primary is gone stops too (the primary owns the listening socket).
      if (cluster.isWorker) {
        process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
        const { installWorkerDrain } = await import('../cluster/worker-drain.js');
        installWorkerDrain(server.app.server);
      }
      // Keep running until a signal closes the server.
      await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
    });
}

/** Adds `migrate`. */
export function registerMigrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const [{ loadConfig }, { connectDatabase }, { migrateToLatest }] = await Promise.all([import('../config.js'), import('../db/connect.js'), import('../db/migrate.js')]);
      const config = loadConfig();
      const db = await connectDatabase(config.databaseUrl, { poolSize: config.databasePoolSize });
      try {
        const applied = await migrateToLatest(db);
        print(io, opts.json, { applied }, applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await db.close();
      }
    });
}
