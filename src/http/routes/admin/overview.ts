/**
 * The admin overview: `GET /api/v1/accounts/:account_id/overview?period=48h|30d` — sessions
 * minted per mode, Kaltura calls per outcome and their p50/p95 latency per hour (48h) or per day
 * (30d), each Kaltura endpoint's circuit state in this process, and the settings check's last
 * answer. `:account_id` is a number or `self`; site admins may also ask for `all` accounts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import { OverviewService } from '../../../overview/overview-service.js';
import { OVERVIEW_PERIODS, type OverviewPeriod } from '../../../overview/time-buckets.js';
import { adminAccount, requireSiteAdmin } from './admin-access.js';
import { fieldError, text } from './admin-input.js';
import { errorResponses, nullableInteger, nullableString, plainQuery } from './admin-schemas.js';

const nullableNumber = { type: ['number', 'null'] } as const;

/** The overview's JSON. */
export const overviewSchema = {
  type: 'object',
  properties: {
    account_id: { ...nullableInteger, description: 'the account, or null for every account' },
    period: { type: 'string', enum: [...OVERVIEW_PERIODS] },
    bucket: { type: 'string', enum: ['hour', 'day'] },
    from: { type: 'string', description: 'start of the first bucket (ISO 8601, UTC)' },
    until: { type: 'string', description: 'end of the last bucket (exclusive)' },
    buckets: { type: 'array', items: { type: 'string' }, description: "each bucket's start, oldest first" },
    charts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          title: { type: 'string' },
          unit: { type: 'string' },
          kind: { type: 'string', enum: ['count', 'latency'] },
          series: {
            type: 'array',
            items: {
              type: 'object',
              properties: { key: { type: 'string' }, label: { type: 'string' }, values: { type: 'array', items: nullableNumber } },
              required: ['key', 'label', 'values'],
            },
          },
        },
        required: ['id', 'title', 'unit', 'kind', 'series'],
      },
    },
    session_mode: nullableString,
    kaltura_enabled: { type: ['boolean', 'null'] },
    circuits: {
      type: 'array',
      description: "each Kaltura endpoint's circuit breaker in the instance that answered",
      items: {
        type: 'object',
        properties: { endpoint: { type: 'string' }, state: { type: 'string', enum: ['closed', 'open', 'half_open'] }, configured: { type: 'boolean' } },
        required: ['endpoint', 'state', 'configured'],
      },
    },
    settings_check: {
      type: ['object', 'null'],
      properties: {
        level: { type: 'string', enum: ['account', 'site'] },
        account_id: nullableInteger,
        checked_at: { type: 'string' },
        ok: { type: 'boolean' },
        outcome: { type: 'string' },
        message: { type: 'string' },
      },
    },
  },
  required: ['account_id', 'period', 'bucket', 'from', 'until', 'buckets', 'charts', 'session_mode', 'kaltura_enabled', 'circuits', 'settings_check'],
} as const;

/** `:account_id` for the overview: `all` (site admins) → every account; else as every account route. */
async function overviewScope(ctx: AppContext, request: FastifyRequest, param: string): Promise<{ accountId: number | null }> {
  if (param === 'all') {
    await requireSiteAdmin(ctx, request);
    return { accountId: null };
  }
  const { account } = await adminAccount(ctx, request, param);
  return { accountId: account.id };
}

/** Registers the overview route. */
export async function overviewRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const service = new OverviewService({ db: ctx.db, breakers: ctx.breakers, settings: ctx.settings, settingsChecks: ctx.settingsChecks });

  app.get(
    '/api/v1/accounts/:account_id/overview',
    {
      schema: {
        summary: 'Sessions, Kaltura calls and latency per hour or day, circuit states and the last settings check',
        tags: ['overview'],
        params: {
          type: 'object',
          properties: { account_id: { type: 'string', description: 'a whole number, "self", or "all" (site admins: every account)' } },
          required: ['account_id'],
        },
        querystring: {
          type: 'object',
          properties: { ...plainQuery.properties, period: { type: 'string', description: '48h (per hour, the default) or 30d (per day)' } },
        },
        response: { 200: overviewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const scope = await overviewScope(ctx, request, (request.params as { account_id: string }).account_id);
      const period = text((request.query as Record<string, unknown>).period, 'period') ?? '48h';
      if (!(OVERVIEW_PERIODS as readonly string[]).includes(period)) throw fieldError('period', `period must be one of ${OVERVIEW_PERIODS.join(', ')}`);
      return service.overview(scope, period as OverviewPeriod);
    },
  );
}
