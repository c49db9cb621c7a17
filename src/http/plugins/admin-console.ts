/**
 * Serves the admin console (web/admin: pages composed from layout.html and pages/*.html at start-up,
 * ES-module scripts, CSS; no build step),
 * k5uploader's ESM files for the upload check page and uPlot's for the overview's charts, all under a Content-Security-Policy that
 * allows no inline script or style. The pages talk to the admin API with the signed-in token.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';
import type { AccountResolver } from '../../accounts/account-resolver.js';
import type { SettingsService } from '../../settings/settings-service.js';
import { isConfigured } from '../../settings/kaltura-settings.js';
import { consoleCspDirectives, kalturaUploadOrigin } from './admin-console-csp.js';
import { loadAdminPages } from '../admin-pages.js';
import { urlBaseOf } from '../../media/media-sources.js';

/** Where the console's files live (the same relative place from src/ and from dist/). */
export const ADMIN_WEB_ROOT = fileURLToPath(new URL('../../../web/admin/', import.meta.url));


/** The directory holding k5uploader's ES modules, found through Node's resolution (not a fixed path). */
export function k5uploaderDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@instructure/k5uploader'));
}

/** The directory holding uPlot's browser build (the overview's charts), found through Node's resolution. */
export function uplotDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('uplot'));
}

export interface AdminConsoleOptions {
  accountResolver: AccountResolver;
  settings: SettingsService;
}

/** Pages are not API: keep them out of the OpenAPI document (@fastify/swagger reads `hide`). */
const HIDDEN = { hide: true } as FastifySchema;

const helmetOptions = (connectOrigins: readonly string[] = [], imgOrigins: readonly string[] = []) => ({
  contentSecurityPolicy: { useDefaults: false, directives: consoleCspDirectives(connectOrigins, imgOrigins) },
  // Served over plain HTTP on loopback as well; TLS termination decides HSTS.
  strictTransportSecurity: false,
});

/** Registers the console pages, their assets and k5uploader under /admin (an encapsulated plugin). */
export async function adminConsole(app: FastifyInstance, opts: AdminConsoleOptions): Promise<void> {
  // Security headers (CSP first of all) for every response of this plugin's routes.
  await app.register(helmet, { global: true, ...helmetOptions() });

  await app.register(fastifyStatic, {
    root: join(ADMIN_WEB_ROOT, 'assets'),
    prefix: '/admin/assets/',
    index: false,
    list: false,
    cacheControl: false,
    setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
  });
  await app.register(fastifyStatic, {
    root: k5uploaderDistDir(),
    prefix: '/admin/vendor/k5uploader/',
    decorateReply: false,
    index: false,
    list: false,
    // Only the package's runtime modules, not its tests or type declarations.
    allowedPath: (pathName: string) => /^\/[a-z0-9_]+\.js$/.test(pathName),
  });

  // uPlot draws the overview's charts: its ES module and its stylesheet, nothing else.
  await app.register(fastifyStatic, {
    root: uplotDistDir(),
    prefix: '/admin/vendor/uplot/',
    decorateReply: false,
    index: false,
    list: false,
    allowedPath: (pathName: string) => pathName === '/uPlot.esm.js' || pathName === '/uPlot.min.css',
  });

  // Composed once, at start-up, from the layout and each page's fragment.
  const pages = loadAdminPages(ADMIN_WEB_ROOT);
  const sendPage = (path: string) => {
    const html = pages.get(path)!;
    return async (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
  };

  for (const path of pages.keys()) {
    if (path === '/admin/upload-check' || path === '/admin/media') continue;
    app.get(path, { schema: HIDDEN }, sendPage(path));
  }
  app.get('/admin/', { schema: HIDDEN }, sendPage('/admin'));

  // The upload check page's browser calls Kaltura directly (k5uploader's XHRs), so its
  // connect-src names the Kaltura origin of the account this host serves.
  app.get('/admin/upload-check', { schema: HIDDEN }, async (request, reply) => {
    const origin = await uploadOriginFor(opts, request);
    if (origin) reply.helmet(helmetOptions([origin]));
    return sendPage('/admin/upload-check')(request, reply);
  });

  // The media page shows thumbnails: /media_objects/:id/thumbnail redirects to Kaltura's resource domain.
  app.get('/admin/media', { schema: HIDDEN }, async (request, reply) => {
    const origin = await thumbnailOriginFor(opts, request);
    if (origin) reply.helmet(helmetOptions([], [origin]));
    return sendPage('/admin/media')(request, reply);
  });
}

/** The origin Kaltura serves the host's account's thumbnails from (resource domain, else domain), or null. */
async function thumbnailOriginFor(opts: AdminConsoleOptions, request: FastifyRequest): Promise<string | null> {
  try {
    const account = await opts.accountResolver.forHost(request.headers.host);
    const settings = await opts.settings.effective(account.id);
    const base = isConfigured(settings) ? urlBaseOf(settings.plain) : null;
    return base ? new URL(`${base.protocol}://${base.host}`).origin : null;
  } catch (err) {
    // The page still works; its thumbnails are blocked by the CSP.
    request.log.warn({ err: { message: (err as Error).message } }, 'media page: could not read the Kaltura settings');
    return null;
  }
}

/** The Kaltura origin of the host's account, or null (then the page may only call this service). */
async function uploadOriginFor(opts: AdminConsoleOptions, request: FastifyRequest): Promise<string | null> {
  try {
    const account = await opts.accountResolver.forHost(request.headers.host);
    const settings = await opts.settings.effective(account.id);
    return isConfigured(settings) ? kalturaUploadOrigin(settings.plain, request.protocol) : null;
  } catch (err) {
    // The page still works; its uploads are blocked by the CSP and it says so.
    request.log.warn({ err: { message: (err as Error).message } }, 'upload check: could not read the Kaltura settings');
    return null;
  }
}
