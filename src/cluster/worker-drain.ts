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
 * Why stop listening before SIGTERM: in a cluster the primary accepts connections and hands them
 * to workers. Until a worker closes its server the primary may still hand it one; if Fastify is
 * already closing, that request is answered 503, and if the worker exits before taking it, the
 * primary keeps the socket and the client waits forever (both seen on Node 24 in the SIGHUP
 * test). After `server.close()` the primary hands this worker nothing more, and a connection
 * already on its way is declined here and goes to another worker.
 */
export function installWorkerDrain(server: Server, drainMs = 1000, closeWaitMs = 5000): void {
  let draining = false;
  // Runs after Fastify's own listener, before the (asynchronous) answer is written.
  server.on('request', (_req, res) => {
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
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
