/**
 * How a cluster worker leaves without breaking keep-alive clients: told to drain by the primary,
 * it answers every request with `Connection: close` for a short while (so busy clients move to
 * other workers on fresh connections), then stops as on SIGTERM (finishing requests in flight).
 */
import type { Server } from 'node:http';

/** The message the primary sends a worker it wants to retire. */
export const DRAIN_MESSAGE = 'canvas-kaltura:drain';

/**
 * Makes this worker drain on the primary's message: `Connection: close` for `drainMs`, then it
 * stops listening, and signals itself SIGTERM once its last connection has ended (at most
 * `closeWaitMs` later).
 *
 * Why stop listening before SIGTERM: a worker that still listens may be given a connection while
 * Fastify is already closing (answered 503). After `server.close()` it takes no new connection:
 * with the primary's shared-accept policy (cluster-primary.ts) the ones queued in the kernel go
 * to the workers still listening.
 */
export function installWorkerDrain(server: Server, drainMs = 1000, closeWaitMs = 5000): void {
  let draining = false;
  // Before the app's own listener: the fast lane (src/http/fast-lane.ts) may write its answer
  // within that listener; writeHead keeps a header set before it.
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('connection', 'close');
  });
  process.on('message', (message: unknown) => {
    if (message !== DRAIN_MESSAGE || draining) return;
    draining = true;
    const stop = () => process.kill(process.pid, 'SIGTERM');
    setTimeout(() => {
      server.close(() => stop());
      setTimeout(stop, closeWaitMs).unref();
    }, drainMs).unref();
  });
}
