/**
 * What a failed request is answered, in Canvas's error shape: ApiErrors as the service decided,
 * framework errors (bad JSON, wrong content type, oversized body, schema violations) as clear
 * 4xx, storage outages as 503, and anything else as a 500 that points at a stored error report
 * without revealing internals. Shared by Fastify's error handler and the fast lane.
 */
import type { FastifyBaseLogger, FastifyError } from 'fastify';
import { ApiError } from '../canvas/api-error.js';
import type { ErrorReportRepository } from '../error-reports/error-report-repository.js';
import { redactUrl } from './redact.js';

/** An answer to send: status, extra headers, JSON body. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** What the error report of a failed request records about it. */
export interface FailedRequest {
  id: string;
  method: string;
  url: string;
  accountId: number | null;
  userId: number | null;
  log: FastifyBaseLogger;
}

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

/** The answer to `err`; logs and stores an error report for the unexpected ones. */
export async function errorAnswer(err: unknown, request: FailedRequest, errorReports: ErrorReportRepository): Promise<ErrorAnswer> {
  if (err instanceof ApiError) return { status: err.statusCode, headers: err.headers, body: err.body };
  const e = err as FastifyError;
  const status = e.statusCode;
  if (e.validation || (typeof status === 'number' && status >= 400 && status < 500) || e instanceof SyntaxError) {
    const f = frameworkMessage(e);
    return { status: f.status, headers: {}, body: { errors: [{ message: f.message, error_code: f.code }] } };
  }
  if (isUnavailable(e)) {
    request.log.warn({ err: { message: e.message, code: (e as { code?: unknown }).code } }, 'storage unavailable');
    return { status: 503, headers: { 'retry-after': '1' }, body: { errors: [{ message: 'The service is temporarily unavailable; try again shortly.', error_code: 'service_unavailable' }] } };
  }
  request.log.error({ err: e }, 'unhandled error');
  let reportId: number | null = null;
  try {
    reportId = await errorReports.insert({
      category: 'api',
      message: String(e.message).slice(0, 1000),
      backtrace: e.stack ? e.stack.slice(0, 8000) : null,
      requestId: request.id,
      httpMethod: request.method,
      url: redactUrl(request.url).slice(0, 2000),
      accountId: request.accountId,
      userId: request.userId,
    });
  } catch (reportErr) {
    request.log.error({ err: reportErr }, 'could not store the error report');
  }
  return {
    status: 500,
    headers: {},
    body: { errors: [{ message: 'An error occurred.', error_code: 'internal_server_error' }], ...(reportId !== null ? { error_report_id: reportId } : {}) },
  };
}
