/**
 * The access log: one line per answered request at `info` — method, path (never the query
 * string, which may carry an access token), status, duration, request id and the caller's user
 * id — instead of Fastify's two ("incoming request" and "request completed", turned off by
 * {@link AccessLogController}). Written by a logger of its own, so no per-request child is made for it.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubLogText } from '../../observability/log-redaction.js';
import type { Identity } from '../../auth/authenticator.js';

/** The path of a URL as the client sent it, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Fastify's request-lifecycle log lines without the two per request ("incoming request",
 * "request completed") and "Route … not found": the access-log line says all of it. Errors
 * Fastify logs itself (a request that errored, serializer and stream failures) still go out.
 */
export class AccessLogController extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (error) super.requestCompleted(error, request, reply, metadata);
  }
}

/**
 * The access log's own pino logger: the same destination and line format as the app's logger,
 * without its redaction pass (a tenth of a request's CPU at info), which these lines do not
 * need: their fields are built here, and none carries a credential.
 */
export function accessLogger(level: string, stream?: DestinationStream): Logger {
  return pino({ level }, stream ?? pino.destination(1));
}

/** What an access-log line says about one answered request. */
export interface AccessRecord {
  id: string;
  method: string;
  /** the URL as the client sent it; only its path is logged */
  url: string;
  status: number;
  ms: number;
  identity: Identity | null;
}

/** Writes the access-log line of one request (the hook below, and the fast lane). */
export function logAccess(log: Logger, r: AccessRecord): void {
  log.info(
    {
      reqId: r.id,
      method: r.method,
      // a KS or token pasted into a path is cut like anywhere else in the logs
      path: scrubLogText(pathOf(r.url)),
      status: r.status,
      ms: Math.round(r.ms * 100) / 100,
      userId: r.identity?.user.id ?? null,
      ...(r.identity?.realUser ? { realUserId: r.identity.realUser.id } : {}),
    },
    'request',
  );
}

/** True when `log` is given and writes `info` lines (LOG_LEVEL is fixed at start). */
export function writesAccessLines(log: Logger | null): log is Logger {
  return log !== null && log.isLevelEnabled('info');
}

/** Adds the access-log hook when `log` writes `info` lines. */
export function installAccessLog(app: FastifyInstance, log: Logger | null): void {
  if (!writesAccessLines(log)) return;
  // a callback hook: no promise per request
  app.addHook('onResponse', (request, reply, done) => {
    logAccess(log, { id: String(request.id), method: request.method, url: request.originalUrl, status: reply.statusCode, ms: reply.elapsedTime, identity: request.identity });
    done();
  });
}
