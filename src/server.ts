/** Process entry for `npm start`: runs the service with the environment's configuration. */
import { loadConfig } from './config.js';
import { closeOnSignals, startServer } from './http/server-runner.js';

try {
  const server = await startServer(loadConfig());
  closeOnSignals(server);
} catch (err) {
  process.stderr.write(`canvas-kaltura: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
