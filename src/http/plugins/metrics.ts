/**
 * Prometheus metrics over HTTP: an onResponse hook that counts every answer by route pattern
 * (never the raw URL, so label values stay few; unmatched URLs share `route="unmatched"`) and
 * status, and the `GET /metrics` exposition, guarded by a Bearer token when one is configured.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceMetrics } from '../../observability/service-metrics.js';

/** The `route` label of requests no route matched (404s, and 503s while closing). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Counts every response of `app` into `metrics`. */
export function installRequestMetrics(app: FastifyInstance, metrics: ServiceMetrics): void {
  metrics.enableDefaultMetrics();
  const http = metrics.http;
  // a callback hook (no promise per request), plain counts (src/observability/http-request-stats.ts)
  app.addHook('onResponse', (request, reply, done) => {
    http.observe(request.routeOptions?.url ?? UNMATCHED_ROUTE, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `authorization` is `Bearer <token>` with exactly `token` (compared in constant time). */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return false;
  // equal-length digests: the comparison time reveals neither the token nor its length
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

export interface MetricsRouteOptions {
  metrics: ServiceMetrics;
  /** when set, scrapers must send `Authorization: Bearer <token>` */
  token: string | undefined;
}

/** Registers `GET /metrics` (Prometheus text format). */
export function registerMetricsRoute(app: FastifyInstance, opts: MetricsRouteOptions): void {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        description: 'Protected by METRICS_TOKEN (Bearer) or served only on METRICS_PORT; see docs/operations.md.',
        tags: ['operations'],
        security: opts.token ? [{ metricsToken: [] }] : [],
        response: {
          200: { type: 'string', description: 'Prometheus text format 0.0.4' },
          401: { type: 'object', properties: { errors: { type: 'array', items: { type: 'object', properties: { message: { type: 'string' } } } } } },
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (opts.token !== undefined && !bearerMatches(request.headers.authorization, opts.token)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ errors: [{ message: 'A valid metrics token is required.' }] });
      }
      const { contentType, body } = await opts.metrics.exposition();
      return reply.header('content-type', contentType).send(body);
    },
  );
}
