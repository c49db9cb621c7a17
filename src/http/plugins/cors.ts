/**
 * CORS for the one endpoint browsers on other sites call directly: POST
 * /api/v1/services/kaltura_session (Canvas's rich content editor and k5uploader, from a page
 * on another origin). Only origins listed in CORS_ORIGINS are allowed; the token travels in the
 * Authorization header, so no credentials mode. Every other path and origin gets no CORS headers.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import { requestPath } from '../request-params.js';

/** Paths (after the `.json` rewrite) that answer cross-origin requests. */
export const CORS_PATHS: ReadonlySet<string> = new Set(['/api/v1/services/kaltura_session']);

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

/** Installs the CORS hook (and its preflight answer) on the root app. */
export async function installCors(app: FastifyInstance, configuredOrigins: readonly string[]): Promise<void> {
  const { origins, invalid } = normalizeOrigins(configuredOrigins);
  if (invalid.length > 0) app.log.warn({ invalid }, 'CORS_ORIGINS: ignoring entries that are not http(s) origins');
  const allowed = (request: FastifyRequest): string | null => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !origins.has(origin)) return null;
    return CORS_PATHS.has(requestPath(request)) ? origin : null;
  };
  await app.register(cors, {
    delegator: (request, callback) => {
      const origin = allowed(request);
      const options: FastifyCorsOptions = origin
        ? {
            origin,
            methods: ['POST'],
            allowedHeaders: ['Authorization', 'Content-Type'],
            credentials: false,
            maxAge: 600,
            strictPreflight: false,
          }
        : { origin: false };
      callback(null, options);
    },
  });
}
