/**
 * Builds the Fastify application over an AppContext: parsers, logging with redaction, request
 * ids, authentication, Canvas-shaped errors, and the routes. Does not listen.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { AppContext } from '../app-context.js';
import { installErrorHandler } from './plugins/error-handler.js';
import { installAuthentication } from './plugins/authentication.js';
import { installCors } from './plugins/cors.js';
import { adminConsole } from './plugins/admin-console.js';
import { servicesRoutes } from './routes/services.js';
import { adminRoutes } from './routes/admin/index.js';
import { redactUrl } from './redact.js';

export interface BuildAppOptions {
  /** Fastify logger options (or false); defaults to JSON logs at the configured level. */
  logger?: FastifyServerOptions['logger'];
}

/** A route as Fastify registered it. */
export interface RegisteredRoute {
  method: string;
  path: string;
  hasSchema: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Logger options with redaction of credentials, shared by the server and tests. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'headers.authorization'],
      censor: '[REDACTED]',
    },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: redactUrl(req.url ?? ''), host: req.headers?.host, remoteAddress: req.ip };
      },
    },
  };
}

/** Creates the app; call `ready()` or `listen()` on it. */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? loggerOptions(ctx.config.logLevel),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
    // `/api/v1/services/kaltura.json` is the same route as `/api/v1/services/kaltura` (Canvas).
    rewriteUrl: (req) => {
      const url = req.url ?? '/';
      if (!url.startsWith('/api/')) return url;
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      return path.endsWith('.json') ? path.slice(0, -5) + (q < 0 ? '' : url.slice(q)) : url;
    },
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  // Every route, as registered: the scope registry and the OpenAPI check read this.
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), path: route.url, hasSchema: route.schema !== undefined });
  });

  // JSON: an empty body counts as no parameters (clients POST with no body).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, {});
    jsonParser(request, body as string, done);
  });
  await app.register(formbody);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });

  installErrorHandler(app, ctx.errorReports);
  installAuthentication(app, ctx.accountResolver, ctx.authenticator);
  await installCors(app, ctx.config.corsOrigins);
  await app.register(adminConsole, { accountResolver: ctx.accountResolver, settings: ctx.settings });
  await app.register(servicesRoutes, { kaltura: ctx.kaltura, bodyLimit: ctx.config.bodyLimitBytes });
  await app.register(adminRoutes, { ctx });
  return app;
}
