/**
 * The access log: one line per answered request at `info` — method, path (never the query
 * string, which may carry an access token), status, duration, request id and the caller's user
 * id — instead of Fastify's two ("incoming request" and "request completed", turned off with
 * `disableRequestLogging`). Written on the root logger, so no per-request child is made for it.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { scrubLogText } from '../../observability/log-redaction.js';

/** The path of a URL as the client sent it, without its query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Adds the access-log hook when the logger writes `info` lines (LOG_LEVEL is fixed at start). */
export function installAccessLog(app: FastifyInstance): void {
  const log = app.log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  if (log.isLevelEnabled ? !log.isLevelEnabled('info') : false) return;
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
