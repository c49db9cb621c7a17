/**
 * CORS for the one endpoint browsers on other sites call directly: POST
 * /api/v1/services/kaltura_session (Canvas's rich content editor and k5uploader, from a page
 * on another origin). Only origins listed in CORS_ORIGINS are allowed; the token travels in the
 * Authorization header, so no credentials mode. Every other path and origin gets no CORS headers.
 *
 * A hand-written onRequest hook rather than @fastify/cors: that plugin's per-request options
 * delegator cost ~14 µs of CPU on every request. Here a request to another path costs a path
 * lookup, and with no CORS_ORIGINS nothing is installed at all.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { requestPath } from '../request-params.js';

/** Paths (after the `.json` rewrite) that answer cross-origin requests. */
export const CORS_PATHS: ReadonlySet<string> = new Set([
  '/api/v1/services/kaltura_session',
  // saveMediaRecording registers the upload right after the session, from the same page
  '/api/v1/media_objects',
  '/api/media_objects',
]);

/** Normalizes configured origins (`https://Canvas.example.com/` → `https://canvas.example.com`); drops what is not an origin. */
export function normalizeOrigins(configured: readonly string[]): { origins: Set<string>; invalid: string[] } {
  const origins = new Set<string>();
  const invalid: string[] = [];
  for (const entry of configured) {
    try {
      const url = new URL(entry);
      if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
        invalid.push(entry);
      } else {
        origins.add(url.origin);
      }
    } catch {
      invalid.push(entry);
    }
  }
  return { origins, invalid };
}

/** Preflight answer headers for an allowed origin (what @fastify/cors sent with our options). */
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'Authorization, Content-Type',
  'access-control-max-age': '600',
  'content-length': '0',
} as const;

/** Adds `Origin` to the reply's Vary header (keeping what is there). */
function varyOnOrigin(reply: FastifyReply): void {
  const prior = reply.getHeader('vary');
  reply.header('vary', prior === undefined || prior === '' ? 'Origin' : `${String(prior)}, Origin`);
}

/** Installs the CORS hook and its preflight route on the root app; nothing when no origin is configured. */
export async function installCors(app: FastifyInstance, configuredOrigins: readonly string[]): Promise<void> {
  const { origins, invalid } = normalizeOrigins(configuredOrigins);
  if (invalid.length > 0) app.log.warn({ invalid }, 'CORS_ORIGINS: ignoring entries that are not http(s) origins');
  if (origins.size === 0) return;

  // a callback hook (no promise per request); preflights are answered here, before
  // authentication and rate limits, since browsers send them without the Authorization header
  app.addHook('onRequest', (request, reply, done) => {
    if (!CORS_PATHS.has(requestPath(request))) return done();
    // the answer on this path depends on Origin, whether or not this one is allowed
    varyOnOrigin(reply);
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !origins.has(origin)) return done();
    reply.header('access-control-allow-origin', origin);
    if (request.method !== 'OPTIONS') return done();
    reply.headers(PREFLIGHT_HEADERS).code(204).send();
  });
  // lets OPTIONS reach the hook on any path; what the hook did not answer is a plain not-found
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound();
  });
}
