/**
 * The access log: one line per answered request at `info` — method, path (never the query
 * string, which may carry an access token), status, duration, request id and the caller's user
 * id — instead of Fastify's two ("incoming request" and "request completed", turned off by
 * {@link AccessLogController}). Written by {@link AccessLog}, so no per-request child logger is made for it.
 */
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hostname } from 'node:os';
import pino, { type DestinationStream } from 'pino';
import { scrubLogText } from '../../logging/log-redaction.js';
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

/** Where lines go: pino's destinations and any writable stream take whole lines. */
interface LineSink {
  write(line: string): unknown;
}

/**
 * The access log: writes each line itself, in exactly the format of the app's pino logger
 * (`level`, `time`, `pid`, `hostname`, the fields, `msg`; src/http/plugins/access-log.test.ts
 * compares the two), to the same destination. Building the line by hand costs a tenth of what a
 * pino call with its serializers did, and these lines need no redaction pass: their fields are
 * built here, and none carries a credential.
 */
export class AccessLog {
  private readonly base: string;

  constructor(private readonly sink: LineSink) {
    this.base = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;
  }

  /** Writes the line of one answered request. */
  write(r: AccessRecord): void {
    const who = r.identity;
    this.sink.write(
      // the id is a UUID or matched /^[A-Za-z0-9._:-]+$/ and the method is an HTTP token: nothing to escape
      `{"level":30,"time":${Date.now()}${this.base},"reqId":"${r.id}","method":"${r.method}"` +
        // a KS or token pasted into a path is cut like anywhere else in the logs
        `,"path":${JSON.stringify(scrubLogText(pathOf(r.url)))},"status":${r.status},"ms":${Math.round(r.ms * 100) / 100}` +
        `,"userId":${who ? who.user.id : null}${who?.realUser ? `,"realUserId":${who.realUser.id}` : ''},"msg":"request"}\n`,
    );
  }
}

/** The access log at `level` into `stream` (stdout when absent); null when `level` writes no `info` lines. */
export function accessLog(level: string, stream?: DestinationStream): AccessLog | null {
  const value = pino.levels.values[level];
  if (value === undefined || value > pino.levels.values.info!) return null;
  return new AccessLog(stream ?? pino.destination(1));
}

/** Adds the access-log hook (when there is an access log). */
export function installAccessLog(app: FastifyInstance, log: AccessLog | null): void {
  if (log === null) return;
  // a callback hook: no promise per request
  app.addHook('onResponse', (request, reply, done) => {
    log.write({ id: String(request.id), method: request.method, url: request.originalUrl, status: reply.statusCode, ms: reply.elapsedTime, identity: request.identity });
    done();
  });
}
