/**
 * `GET /api/v1/error_reports/:id` (site admins): the report a 500's `error_report_id` points at.
 * Reports hold no secrets (the error handler stores redacted URLs and no bodies).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { ErrorReport } from '../../../error-reports/error-report-repository.js';
import { ApiError } from '../../../canvas/api-error.js';
import { pathId, requireSiteAdmin } from './admin-access.js';
import { errorResponses, idParams, nullableInteger, nullableString, plainQuery } from './admin-schemas.js';

/** One error report. */
export const errorReportSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: { type: 'string' },
    category: { type: 'string' },
    message: { type: 'string' },
    backtrace: nullableString,
    request_id: nullableString,
    http_method: nullableString,
    url: nullableString,
    account_id: nullableInteger,
    user_id: nullableInteger,
  },
  required: ['id', 'created_at', 'category', 'message', 'backtrace', 'request_id', 'http_method', 'url', 'account_id', 'user_id'],
} as const;

/** An error report as the API shows it. */
export function errorReportJson(r: ErrorReport) {
  return {
    id: r.id,
    created_at: r.createdAt,
    category: r.category,
    message: r.message,
    backtrace: r.backtrace,
    request_id: r.requestId,
    http_method: r.httpMethod,
    url: r.url,
    account_id: r.accountId,
    user_id: r.userId,
  };
}

/** Registers the error-report route. */
export async function errorReportRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  app.get(
    '/api/v1/error_reports/:id',
    {
      schema: {
        summary: 'Show an error report (site admins)',
        tags: ['error reports'],
        params: idParams('id'),
        querystring: plainQuery,
        response: { 200: errorReportSchema, ...errorResponses },
      },
    },
    async (request) => {
      await requireSiteAdmin(ctx, request);
      const report = await ctx.errorReports.findById(pathId((request.params as { id: string }).id, 'id'));
      if (!report) throw ApiError.notFound();
      return errorReportJson(report);
    },
  );
}
