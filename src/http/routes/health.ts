/**
 * Health endpoints for orchestrators and load balancers: `/health/live` (the process answers)
 * and `/health/ready` (the database answers `select 1`, and every extra readiness check, such
 * as Redis when configured, passes; 503 otherwise). No authentication, no secrets in answers.
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/connect.js';
import { checkReadiness, databaseCheck, type ReadinessCheck } from '../../observability/readiness.js';

const checkSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, degraded: { type: 'boolean' }, detail: { type: 'string' } },
  required: ['name', 'ok'],
} as const;

const readyBody = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ready', 'degraded', 'unavailable'] }, checks: { type: 'array', items: checkSchema } },
  required: ['status', 'checks'],
} as const;

export interface HealthRoutesOptions {
  db: Db;
  /** extra checks (Redis, …); asked for at each request, so checks added later count */
  readinessChecks: () => readonly ReadinessCheck[];
  timeoutMs?: number;
}

/** Registers the two health routes. */
export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  app.get(
    '/health/live',
    {
      schema: {
        summary: 'Liveness: 200 while the process runs',
        tags: ['operations'],
        security: [],
        response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        summary: 'Readiness: the database (and Redis when configured) answer',
        tags: ['operations'],
        security: [],
        response: { 200: readyBody, 503: readyBody },
      },
    },
    async (_request, reply) => {
      const { ready, checks } = await checkReadiness([databaseCheck(opts.db), ...opts.readinessChecks()], opts.timeoutMs);
      const status = !ready ? 'unavailable' : checks.some((c) => c.degraded) ? 'degraded' : 'ready';
      return reply.code(ready ? 200 : 503).send({ status, checks });
    },
  );
}
