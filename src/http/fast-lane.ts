/**
 * The fast lane: Canvas's two Services API routes answered straight from node:http, ahead of
 * Fastify, for the requests that make nearly all of their traffic — `Authorization: Bearer`
 * with a token, account, user and login this instance has cached, no body, no masquerade, no
 * other parameter than `include_upload_config`. Any other request, and any request the lane is
 * not sure of (a failed or uncached authentication, a rate limit about to refuse, a server
 * closing), goes to Fastify, which implements every route in full and answers the same bytes
 * (test/api/fast-lane.test.ts sends the same requests both ways and compares).
 *
 * What it does per request is what Fastify's hooks do, through the same functions: the request
 * id, the base security headers, authentication from the caches, the session limits, the
 * handler's service call, the response schema's serializer, the request metrics, the access-log
 * line, and Canvas's error answers. It saves Fastify's routing, hook runners, request and reply
 * objects and promise per request: about half of a GET's CPU (docs/benchmarks.md).
 *
 * It decides at once whether it takes a request (Fastify gets the rest untouched), but does the
 * work of those it takes at the end of the event loop's turn, together with the turn's other
 * requests (src/event-loop/turn-batch.ts): written one after another, the answers cost less CPU
 * than written each inside the callback that parsed its request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import type { AccountResolver } from '../accounts/account-resolver.js';
import type { Account } from '../accounts/account-repository.js';
import type { Authenticator, Identity } from '../auth/authenticator.js';
import { configBody, type KalturaService } from '../sessions/kaltura-service.js';
import type { EffectiveSettings } from '../settings/kaltura-settings.js';
import { listingCacheKey, type MediaListingCache } from '../media/media-listing-cache.js';
import type { ErrorReportRepository } from '../error-reports/error-report-repository.js';
import type { HttpRequestStats } from '../observability/http-request-stats.js';
import { lazyChildLoggerFactory } from '../logging/lazy-child-logger.js';
import { valueToBoolean } from '../canvas/value-to-boolean.js';
import { requestIdFor } from './request-id.js';
import { errorAnswer } from './error-answer.js';
import { answerHeaders } from './answer-headers.js';
import { turnEnd } from '../event-loop/turn-batch.js';
import type { AccessLog } from './plugins/access-log.js';
import type { RateLimitGate } from './plugins/rate-limit.js';
import { configResponse, errorBody, sessionResponse } from './routes/services.js';
import { UploadConfigJson, withUploadConfigJson } from './upload-config-json.js';

/** What the lane needs; the same objects the Fastify app uses. */
export interface FastLaneDeps {
  resolver: AccountResolver;
  mediaListings: MediaListingCache;
  authenticator: Authenticator;
  kaltura: KalturaService;
  limits: RateLimitGate;
  errorReports: ErrorReportRepository;
  httpStats: HttpRequestStats;
  /** the access log, or null when it writes no `info` lines */
  accessLog: AccessLog | null;
  /** the app's logger: request loggers are its (lazy) children, as Fastify's are */
  log: FastifyBaseLogger;
}

/** Computes a route's answer: its JSON, serialized by the route's response schema. */
type Handler = (account: Account, identity: Identity, query: string, req: IncomingMessage, ip: string, id: string, log: FastifyBaseLogger) => Promise<string>;

interface LaneRoute {
  /** the route pattern, as Fastify registered it (the metrics' `route` label) */
  pattern: string;
  /** accepts the query string (without `?`); anything else goes to Fastify */
  acceptsQuery: (query: string) => boolean;
  /** counted by the session limits */
  session: boolean;
  /** the answer, when the lane may compute it; without, the lane answers only from `cached` */
  handle?: Handler;
  /** the answer when it can be had without waiting (from this instance's caches), else undefined */
  cached?: (account: Account, identity: Identity, req: IncomingMessage) => Ready | undefined;
}

/** An answer ready to send: its body and headers of its own (besides the ones every answer has). */
interface Ready {
  body: string;
  headers: Record<string, string> | null;
}

/** A query value the lane takes as is: no percent-encoding or `+` to decode. */
const PLAIN_VALUE = /^[A-Za-z0-9._~-]*$/;
const UPLOAD_CONFIG = 'include_upload_config=';

/** Only `include_upload_config=<plain value>`, once or repeated. */
function sessionQuery(query: string): boolean {
  if (query === '') return true;
  for (const pair of query.split('&')) {
    if (!pair.startsWith(UPLOAD_CONFIG) || !PLAIN_VALUE.test(pair.slice(UPLOAD_CONFIG.length))) return false;
  }
  return true;
}

/** The last `include_upload_config` value of an accepted query (the last wins, as in `param`). */
function uploadConfigValue(query: string): string | undefined {
  const at = query.lastIndexOf(UPLOAD_CONFIG);
  if (at < 0) return undefined;
  const end = query.indexOf('&', at);
  return query.slice(at + UPLOAD_CONFIG.length, end < 0 ? undefined : end);
}

const serializeError = fastJsonStringify(errorBody as unknown as Schema);

/** `http` or `https`, as the connection came (the lane runs only without a trusted proxy). */
function schemeOf(req: IncomingMessage): string {
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/** The lane over `deps`; `handle` answers a request or returns false for Fastify to answer it. */
export class FastLane {
  private closing = false;
  /** requests this lane answered (the rest went to Fastify) */
  answered = 0;
  /** by method, then path (no key string to build and hash per request) */
  private readonly routes: Map<string, Map<string, LaneRoute>>;

  constructor(private readonly deps: FastLaneDeps) {
    const { kaltura } = deps;
    const serializeConfig = fastJsonStringify(configResponse as unknown as Schema) as (body: unknown) => string;
    // the configuration's JSON per cached settings object: made again when the settings change or expire
    const configJson = new WeakMap<EffectiveSettings, Ready>();
    const config: LaneRoute = {
      pattern: '/api/v1/services/kaltura',
      acceptsQuery: (q) => q === '',
      session: false,
      handle: (account) => kaltura.config(account).then(serializeConfig),
      cached: (account) => {
        const settings = kaltura.cachedConfigSettings(account);
        if (settings === undefined) return undefined;
        let ready = configJson.get(settings);
        if (ready === undefined) configJson.set(settings, (ready = { body: serializeConfig(configBody(settings)), headers: null }));
        return ready;
      },
    };
    const serializeSession = fastJsonStringify(sessionResponse as unknown as Schema) as (body: unknown) => string;
    const uploadConfigJson = new UploadConfigJson();
    const session: LaneRoute = {
      pattern: '/api/v1/services/kaltura_session',
      acceptsQuery: sessionQuery,
      session: true,
      handle: (account, identity, query, req, ip, id, log) =>
        kaltura.mintSession({ account, user: identity.user, realUser: null, clientIp: ip, requestId: id, log }).then(({ body, settings }) => {
          const json = serializeSession(body);
          if (!valueToBoolean(uploadConfigValue(query))) return json;
          return withUploadConfigJson(json, uploadConfigJson.json(settings, schemeOf(req), account.uuid, identity.user.uuid));
        }),
    };
    // The caller's own media listing without sources, when Fastify's route has kept its answer
    // for this caller and URL (src/media/media-listing-cache.ts); the lane never computes one.
    const ownMedia = (pattern: string): LaneRoute => ({
      pattern,
      // any query Fastify's answer was kept for, but no other caller's token or masquerade
      acceptsQuery: (q) => q.includes('sources') && !q.includes('access_token') && !q.includes('as_user_id'),
      session: false,
      cached: (account, identity, req) => {
        const kept = deps.mediaListings.get(account.id, listingCacheKey(identity.user.id, false, `${schemeOf(req)}://${req.headers.host ?? ''}`, req.url!));
        return kept && { body: kept.body, headers: { link: kept.link } };
      },
    });
    // `.json` is the same route (Canvas), as Fastify's rewriteUrl has it
    this.routes = new Map([
      [
        'GET',
        new Map([
          ['/api/v1/media_objects', ownMedia('/api/v1/media_objects')],
          ['/api/media_objects', ownMedia('/api/media_objects')],
          ['/api/v1/services/kaltura', config],
          ['/api/v1/services/kaltura.json', config],
        ]),
      ],
      [
        'POST',
        new Map([
          ['/api/v1/services/kaltura_session', session],
          ['/api/v1/services/kaltura_session.json', session],
        ]),
      ],
    ]);
  }

  /** From now on every request goes to Fastify (which answers 503 while the server closes). */
  close(): void {
    this.closing = true;
  }

  /** Answers `req` and returns true, or returns false having touched nothing. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.closing) return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = this.routes.get(req.method!)?.get(q < 0 ? url : url.slice(0, q));
    if (route === undefined) return false;
    const query = q < 0 ? '' : url.slice(q + 1);
    if (!route.acceptsQuery(query)) return false;
    const h = req.headers;
    // no body: Canvas's clients send none; a body may carry parameters, Fastify reads it
    if ((h['content-length'] !== undefined && h['content-length'] !== '0') || h['transfer-encoding'] !== undefined) return false;
    const authorization = h.authorization;
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return false;
    const ip = req.socket.remoteAddress;
    if (ip === undefined || this.deps.limits.recentlyFailed(ip)) return false;
    const account = this.deps.resolver.cachedForHost(h.host);
    if (account === undefined) return false;
    let identity: Identity | null | undefined;
    try {
      identity = this.deps.authenticator.authenticateFromCache({ method: req.method!, path: route.pattern, authorization, accessTokenParam: undefined, asUserIdParam: undefined, account });
    } catch {
      return false; // Canvas's 401, and its count of failed authentications, come from the full path
    }
    if (!identity) return false;
    const started = performance.now();
    const ready = route.cached?.(account, identity, req);
    if (ready === undefined && route.handle === undefined) return false;
    if (route.session && !this.deps.limits.admitSession(ip, identity.token.id)) return false;

    this.answered++;
    // The request has no body (checked above). Reading it once tells node:http it is consumed, so
    // after the answer it does not "dump" it: resume the stream, end it, destroy it, each step a
    // process.nextTick. That was about a fifth of a GET's CPU (docs/benchmarks.md, seventh
    // round). The stream is then never ended; the parser lets go of it at the connection's next
    // request or close, as it does of any request read this way.
    req.read(0);
    const id = requestIdFor(h['x-request-id']);
    // The lane has taken the request; the rest waits for the end of the turn
    // (src/event-loop/turn-batch.ts). Each job answers for its own errors: answer() never throws, fail() never rejects.
    const who = identity;
    if (ready !== undefined) {
      turnEnd.add(() => this.answer(req, res, route, id, who, started, 200, ready.headers, ready.body));
      return true;
    }
    const handle = route.handle!;
    turnEnd.add(() => {
      const log = lazyChildLoggerFactory(this.deps.log, { reqId: id }, {});
      let body: Promise<string>;
      try {
        body = handle(account, who, query, req, ip, id, log);
      } catch (err) {
        body = Promise.reject(err);
      }
      body.then(
        (json) => this.answer(req, res, route, id, who, started, 200, null, json),
        (err: unknown) => this.fail(req, res, route, id, account, who, started, log, err),
      );
    });
    return true;
  }

  /** Logs what went wrong with a taken request; never throws (the log may be what failed). */
  private logFailure(err: unknown, id: string | undefined): void {
    try {
      this.deps.log.error({ err, reqId: id }, 'fast lane: could not answer a request');
    } catch {
      // the log is what failed: there is nowhere else to say so
    }
  }

  /** Answers a failed request in Canvas's error shape; never rejects (if that fails too, closes it and logs). */
  private async fail(req: IncomingMessage, res: ServerResponse, route: LaneRoute, id: string, account: Account, identity: Identity, started: number, log: FastifyBaseLogger, err: unknown): Promise<void> {
    try {
      const a = await errorAnswer(err, { id, method: req.method!, url: req.url!, accountId: account.id, userId: identity.user.id, log }, this.deps.errorReports);
      this.answer(req, res, route, id, identity, started, a.status, a.headers, serializeError(a.body));
    } catch (answerErr) {
      res.destroy();
      this.logFailure(answerErr, id);
    }
  }

  /**
   * Writes the answer with the headers the full path sets, then counts and logs it. Never throws:
   * if any of it fails (its access-log line cannot be written, say), the connection is closed
   * (the answer may have gone out) and the error logged, and the process goes on.
   */
  private answer(req: IncomingMessage, res: ServerResponse, route: LaneRoute, id: string, identity: Identity, started: number, status: number, extra: Record<string, string> | null, body: string): void {
    try {
      const headers = answerHeaders(id, identity.user.id, extra, Buffer.byteLength(body));
      res.writeHead(status, headers);
      res.end(body);
      const ms = performance.now() - started;
      this.deps.httpStats.observe(route.pattern, req.method!, status, ms / 1000);
      if (this.deps.accessLog !== null) this.deps.accessLog.write({ id, method: req.method!, url: req.url!, status, ms, identity });
    } catch (err) {
      res.destroy();
      this.logFailure(err, id);
    }
  }
}
