/** `canvas-kaltura serve` and `canvas-kaltura migrate`. */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { connectDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { closeOnSignals, startServer } from '../http/server-runner.js';
import { UsageError, type CliIo } from './main.js';
import { positiveInt, print } from './cli-context.js';
import cluster from 'node:cluster';
import { runClusterPrimary } from '../cluster/cluster-primary.js';
import { installWorkerDrain } from '../cluster/worker-drain.js';

/** Adds `serve` and `migrate`. */
export function registerServeCommands(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the HTTP service (same as npm start)')
    .option('--port <n>', 'port to listen on (PORT)', (v) => (v === '0' ? 0 : positiveInt('--port')(v)))
    .option('--host <h>', 'address to listen on (HOST)')
    .option('--workers <n>', 'run N worker processes sharing the port (node:cluster); see docs/deployment.md', positiveInt('--workers'))
    .action(async (opts: { port?: number; host?: string; workers?: number }) => {
      let config;
      try {
        config = loadConfig();
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (opts.port !== undefined) config.port = opts.port;
      if (opts.host !== undefined) config.host = opts.host;
      if (opts.workers !== undefined && cluster.isPrimary) {
        io.exitCode = await runClusterPrimary(config, { workers: opts.workers, out: (t) => io.out(t), log: (t) => io.err(t) });
        return;
      }
      const server = await startServer(config, (t) => io.out(t));
      closeOnSignals(server);
      // A worker whose primary is gone stops too (the primary owns the listening socket).
      if (cluster.isWorker) {
        process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
        installWorkerDrain(server.app.server);
      }
      // Keep running until a signal closes the server.
      await new Promise<void>((resolve) => server.app.server.once('close', () => resolve()));
    });

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
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
