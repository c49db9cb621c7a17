/**
 * Response headers every answer carries (OWASP REST guidance): `X-Content-Type-Options: nosniff`
 * everywhere, `Cache-Control: no-store` on API, health and metrics answers (they carry sessions,
 * tokens and live state), and on HTML pages that set none themselves a strict
 * Content-Security-Policy with framing refused. Pages that set their own CSP (the admin
 * console) keep it.
 */
import type { FastifyInstance } from 'fastify';

/** The CSP for HTML pages that bring none: nothing but same-origin resources, nothing inline. */
export const STRICT_HTML_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths whose answers must never be stored by a browser or a proxy. */
export function isNoStorePath(url: string): boolean {
  return url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?') || url.startsWith('/health/');
}

/** Adds the headers to every response of `app`. */
export function installSecurityHeaders(app: FastifyInstance): void {
  // a callback hook: an async one costs a promise on every response
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (isNoStorePath(request.url)) reply.header('cache-control', 'no-store');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', STRICT_HTML_CSP);
      if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    }
    done(null, payload);
  });
}
