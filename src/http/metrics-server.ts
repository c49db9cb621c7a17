/**
 * The separate metrics listener (METRICS_PORT): only `GET /metrics`, on its own port and host,
 * so Prometheus can scrape from a private network while the main port stays public.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import { registerMetricsRoute } from './plugins/metrics.js';
import { installSecurityHeaders } from './plugins/security-headers.js';

/** A listening metrics server. */
export interface MetricsServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the metrics listener on `host:port`; `token`, when set, is required there too. */
export async function startMetricsServer(metrics: ServiceMetrics, opts: { host: string; port: number; token: string | undefined }): Promise<MetricsServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  installSecurityHeaders(app);
  app.setNotFoundHandler(async (_request, reply) => reply.code(404).send({ errors: [{ message: 'The specified resource does not exist.', error_code: 'not_found' }] }));
  registerMetricsRoute(app, { metrics, token: opts.token });
  const url = await app.listen({ host: opts.host, port: opts.port });
  return { app, url, close: () => app.close() };
}
