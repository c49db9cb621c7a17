/**
 * The access log: one line per answered request at `info` — method, path (never the query
 * string, which may carry an access token), status, duration, request id and the caller's user
 * id — instead of Fastify's two ("incoming request" and "request completed", turned off by
 * {@link AccessLogController}). Written by a logger of its own, so no per-request child is made for it.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubLogText } from '../../observability/log-redaction.js';

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

/** Adds the access-log hook when `log` writes `info` lines (LOG_LEVEL is fixed at start). */
export function installAccessLog(app: FastifyInstance, log: Logger | null): void {
  if (log === null || !log.isLevelEnabled('info')) return;
  // a callback hook: no promise per request
  app.addHook('onResponse', (request, reply, done) => {
    log.info(
      {
        reqId: request.id,
        method: request.method,
        // a KS or token pasted into a path is cut like anywhere else in the logs
        path: scrubLogText(pathOf(request.originalUrl)),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        userId: request.identity?.user.id ?? null,
        ...(request.identity?.realUser ? { realUserId: request.identity.realUser.id } : {}),
      },
      'request',
    );
    done();
  });
}
