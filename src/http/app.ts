/**
 * Builds the Fastify application over an AppContext: parsers, logging with redaction, request
 * ids, authentication, Canvas-shaped errors, and the routes. Does not listen.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { DestinationStream } from 'pino';
import type { AppContext } from '../app-context.js';
import { installErrorHandler } from './plugins/error-handler.js';
import { installAuthentication } from './plugins/authentication.js';
import { installCors } from './plugins/cors.js';
import { adminConsole } from './plugins/admin-console.js';
import { servicesRoutes } from './routes/services.js';
import { adminRoutes } from './routes/admin/index.js';
import { mediaRoutes } from './routes/media.js';
import { redactUrl } from './redact.js';
import { requestIdFor } from './request-id.js';
import { handleClientError } from './client-error.js';
import { LOG_REDACT_PATHS, censorLogValue, scrubLogArguments, serializeErrorForLog } from '../logging/log-redaction.js';
import { installOpenApi } from './plugins/openapi.js';
import { installSecurityHeaders, setBaseSecurityHeaders } from './plugins/security-headers.js';
import { installRequestMetrics, registerMetricsRoute } from './plugins/metrics.js';
import { installRateLimits } from './plugins/rate-limit.js';
import { AccessLogController, accessLog, installAccessLog } from './plugins/access-log.js';
import { FastLane } from './fast-lane.js';
import { settleHttpObjectShapes } from './settle-object-shapes.js';
import { healthRoutes } from './routes/health.js';
import { lazyChildLoggerFactory } from '../logging/lazy-child-logger.js';
import { sharedRedisCheck } from '../observability/readiness.js';

export interface BuildAppOptions {
  /** Fastify logger options (or false); defaults to JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger'];
}

/** A route as Fastify registered it. */
export interface RegisteredRoute {
  method: string;
  path: string;
  hasSchema: boolean;
  /** `schema.hide`: left out of the OpenAPI document (HTML pages, static files) */
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
    /** the fast lane in front of Fastify, or null when every request takes Fastify's path */
    fastLane: FastLane | null;
  }
}

/** Logger options with redaction of credentials, shared by the server and tests. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream | DestinationStream): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    ...(stream ? { stream } : {}),
    // credentials anywhere they are commonly logged; a KS keeps only its last 6 characters
    redact: { paths: [...LOG_REDACT_PATHS], censor: censorLogValue },
    hooks: { logMethod: scrubLogArguments },
    serializers: {
      err: serializeErrorForLog,
      req(req: FastifyRequest) {
        return { method: req.method, url: redactUrl(req.url ?? ''), host: req.headers?.host, remoteAddress: req.ip };
      },
    },
  };
}

/** Creates the app; call `ready()` or `listen()` on it. */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const logger = options.logger ?? loggerOptions(ctx.config.logLevel);
  // with logger options (not `false`), access lines go to the same destination
  const access = typeof logger === 'object' && logger !== null && 'level' in logger ? accessLog(String(logger.level), (logger as { stream?: DestinationStream }).stream) : null;
  // Canvas's two Services API routes, answered ahead of Fastify when the request is the common
  // one (src/http/fast-lane.ts); set once the limits it consults exist
  let lane: FastLane | null = null;
  const app = Fastify({
    logger,
    serverFactory: (handler, opts) => {
      // before the server's first request: a quiet spell after a few requests could otherwise
      // leave every request and response object of the process a slow one
      settleHttpObjectShapes();
      const server = createServer(opts.http ?? {}, (req, res) => {
        if (lane === null || !lane.handle(req, res)) handler(req, res);
      });
      // as Fastify sets them on a server of its own
      const o = opts as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number; maxRequestsPerSocket: number };
      server.keepAliveTimeout = o.keepAliveTimeout;
      server.requestTimeout = o.requestTimeout;
      server.setTimeout(o.connectionTimeout);
      if (o.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = o.maxRequestsPerSocket;
      return server;
    },
    // one access-log line per request, written by installAccessLog, instead of Fastify's two
    logController: new AccessLogController(),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (req) => requestIdFor(req.headers['x-request-id']),
    // `/api/v1/services/kaltura.json` is the same route as `/api/v1/services/kaltura` (Canvas).
    // A fragment is dropped, as Puma drops it: no client sends one, and the router would read
    // what follows `#` as a query string that the Link header, logs and redaction do not.
    rewriteUrl: (req) => {
      const raw = req.url ?? '/';
      const hash = raw.indexOf('#');
      const url = hash < 0 ? raw : raw.slice(0, hash) || '/';
      if (!url.startsWith('/api/')) return url;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      return path.endsWith('.json') ? path.slice(0, -5) + (q < 0 ? '' : url.slice(q)) : url;
    },
    routerOptions: { maxParamLength: 200 },
    // URLs the router cannot take (bad percent-encoding, over-long segments): Canvas's error shape,
    // never Fastify's default body, which echoes the whole URL and so any access_token in it
    frameworkErrors: (err, _request, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      void (reply as unknown as FastifyReply)
        .code(tooLong ? 414 : 400)
        .send({ errors: [{ message: tooLong ? 'A segment of the request path is too long.' : 'The request URL is not valid.', error_code: tooLong ? 'uri_too_long' : 'bad_request' }] });
    },
    clientErrorHandler: handleClientError,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  // request loggers become pino children only when a request logs something
  app.setChildLoggerFactory(lazyChildLoggerFactory);

  // Every route, as registered: the scope registry and the OpenAPI check read this.
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), path: route.url, hasSchema: route.schema !== undefined, hidden: (route.schema as { hide?: unknown } | undefined)?.hide === true });
  });

  // JSON: an empty body counts as no parameters (clients POST with no body).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, {});
    jsonParser(request, body as string, done);
  });
  await app.register(formbody);
  // before any route: the OpenAPI document is built from the routes registered after it
  await installOpenApi(app);
  installSecurityHeaders(app);
  installRequestMetrics(app, ctx.metrics);
  installAccessLog(app, access);

  // one callback hook for the headers every answer carries (an async one costs a promise per request)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', String(request.id));
    setBaseSecurityHeaders(request, reply);
    done();
  });

  installErrorHandler(app, ctx.errorReports);
  installAuthentication(app, ctx.accountResolver, ctx.authenticator);
  const limits = await installRateLimits(app, { limits: ctx.config.rateLimits, redis: ctx.redis?.client ?? null, ...(ctx.redis ? { nameSpace: `${ctx.redis.prefix}rate-limit:` } : {}), metrics: ctx.metrics });
  await app.register(healthRoutes, { db: ctx.db, readinessChecks: () => (ctx.redis ? [sharedRedisCheck(ctx.redis), ...ctx.readinessChecks] : ctx.readinessChecks) });
  // /metrics here only with a token and no separate METRICS_PORT listener (src/http/metrics-server.ts)
  if (ctx.config.metricsToken !== undefined && ctx.config.metricsPort === undefined) registerMetricsRoute(app, { metrics: ctx.metrics, token: ctx.config.metricsToken });
  await installCors(app, ctx.config.corsOrigins);
  await app.register(adminConsole, { accountResolver: ctx.accountResolver, settings: ctx.settings });
  await app.register(servicesRoutes, { kaltura: ctx.kaltura, bodyLimit: ctx.config.bodyLimitBytes });
  await app.register(adminRoutes, { ctx });
  await app.register(mediaRoutes, { ctx });
  // background media work (Kaltura's media.get) logs through the app's logger
  ctx.media.useLogger(app.log);
  // The fast lane answers what Fastify's hooks above would answer the same way; with a trusted
  // proxy (client address and scheme from X-Forwarded-*) or CORS (headers per Origin), or when
  // turned off (FAST_LANE=off), every request takes Fastify's path.
  if (ctx.config.fastLane && ctx.config.trustProxy === false && ctx.config.corsOrigins.length === 0) {
    const fast = new FastLane({
      resolver: ctx.accountResolver,
      mediaListings: ctx.mediaListings,
      authenticator: ctx.authenticator,
      kaltura: ctx.kaltura,
      limits,
      errorReports: ctx.errorReports,
      httpStats: ctx.metrics.http,
      accessLog: access,
      log: app.log,
    });
    app.addHook('preClose', (done) => {
      fast.close();
      done();
    });
    lane = fast;
  }
  app.decorate('fastLane', lane);
  return app;
}
