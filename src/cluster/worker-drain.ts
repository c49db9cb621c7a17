/**
 * How a cluster worker leaves without breaking keep-alive clients: told to drain by the primary,
 * it answers every request with `Connection: close` for a short while (so busy clients move to
 * other workers on fresh connections), then stops as on SIGTERM (finishing requests in flight).
 */
import type { Server } from 'node:http';

/** The message the primary sends a worker it wants to retire. */
export const DRAIN_MESSAGE = 'canvas-kaltura:drain';

/** Makes this worker drain on the primary's message, then signal itself SIGTERM. */
export function installWorkerDrain(server: Server, drainMs = 1000): void {
  let draining = false;
  // Runs after Fastify's own listener, before the (asynchronous) answer is written.
  server.on('request', (_req, res) => {
    if (draining && !res.headersSent) res.setHeader('connection', 'close');
  });
  process.on('message', (message: unknown) => {
    if (message !== DRAIN_MESSAGE || draining) return;
    draining = true;
    setTimeout(() => process.kill(process.pid, 'SIGTERM'), drainMs).unref();
  });
}
