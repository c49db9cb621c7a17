/**
 * Renders every failure in Canvas's error shape: ApiErrors as decided by the service, framework
 * errors (bad JSON, wrong content type, oversized body, schema violations) as clear 4xx, and
 * anything else as a 500 that points at a stored error report without revealing internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../canvas/api-error.js';
import type { ErrorReportRepository } from '../../error-reports/error-report-repository.js';
import { redactUrl } from '../redact.js';

/** Errors from the database layer that mean "try again", not "bug". */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return (
    typeof code === 'string' &&
    (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'SQLITE_BUSY'].includes(code) ||
      code.startsWith('08'))
  ) || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(String((err as Error)?.message));
}

function frameworkMessage(err: FastifyError): { status: number; message: string; code: string } {
  const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: 'Unsupported content type: send application/json or application/x-www-form-urlencoded.', code: 'unsupported_media_type' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: 'The request body is too large.', code: 'request_too_large' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, message: 'The Content-Length header does not match the body.', code: 'bad_request' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, message: 'The request body is not valid JSON.', code: 'invalid_json' };
    default:
      break;
  }
  if (err.validation) return { status: 400, message: `Invalid parameter: ${err.message}`, code: 'invalid_parameter' };
  if (err instanceof SyntaxError) return { status: 400, message: 'The request body is not valid JSON.', code: 'invalid_json' };
  return { status, message: status === 413 ? 'The request body is too large.' : 'The request could not be understood.', code: 'bad_request' };
}

/** Installs the error and not-found handlers. */
export function installErrorHandler(app: FastifyInstance, errorReports: ErrorReportRepository): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) {
      return reply.code(err.statusCode).headers(err.headers).send(err.body);
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (err.validation || (typeof status === 'number' && status >= 400 && status < 500) || err instanceof SyntaxError) {
      const f = frameworkMessage(err);
      return reply.code(f.status).send({ errors: [{ message: f.message, error_code: f.code }] });
    }
    if (isUnavailable(err)) {
      request.log.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'storage unavailable');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ errors: [{ message: 'The service is temporarily unavailable; try again shortly.', error_code: 'service_unavailable' }] });
    }
    request.log.error({ err }, 'unhandled error');
    let reportId: number | null = null;
    try {
      reportId = await errorReports.insert({
        category: 'api',
        message: err.message.slice(0, 1000),
        backtrace: err.stack ? err.stack.slice(0, 8000) : null,
        requestId: String(request.id),
        httpMethod: request.method,
        url: redactUrl(request.url).slice(0, 2000),
        accountId: request.account?.id ?? null,
        userId: request.identity?.user.id ?? null,
      });
    } catch (reportErr) {
      request.log.error({ err: reportErr }, 'could not store the error report');
    }
    return reply.code(500).send({
      errors: [{ message: 'An error occurred.', error_code: 'internal_server_error' }],
      ...(reportId !== null ? { error_report_id: reportId } : {}),
    });
  });

  app.setNotFoundHandler(async (_request, reply) => {
    return reply.code(404).send({ errors: [{ message: 'The specified resource does not exist.', error_code: 'not_found' }] });
  });
}
