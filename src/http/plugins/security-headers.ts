/**
 * Response headers every answer carries (OWASP REST guidance): `X-Content-Type-Options: nosniff`
 * everywhere, `Cache-Control: no-store` on API, health and metrics answers (they carry sessions,
 * tokens and live state), and on HTML pages that set none themselves a strict
 * Content-Security-Policy with framing refused. Pages that set their own CSP (the admin
 * console) keep it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';

/** The CSP for HTML pages that bring none: nothing but same-origin resources, nothing inline. */
export const STRICT_HTML_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Paths whose answers must never be stored by a browser or a proxy. */
export function isNoStorePath(url: string): boolean {
  return url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?') || url.startsWith('/health/');
}

/**
 * The headers of every answer, set as a request starts (so the answer needs no onSend hook):
 * `X-Content-Type-Options: nosniff`, and `Cache-Control: no-store` on API, health and metrics paths.
 */
export function setBaseSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  if (isNoStorePath(request.url)) reply.header('cache-control', 'no-store');
}

/**
 * Adds the HTML page headers: an onSend hook on every route outside `/api/` (no API route
 * serves HTML, so API answers do not run it). Call before the routes are registered; the
 * caller sets the base headers with {@link setBaseSecurityHeaders} on every request.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  const htmlHeaders: onSendHookHandler = (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', STRICT_HTML_CSP);
      if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    }
    done(null, payload);
  };
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) return;
    const own = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [htmlHeaders, ...own] as typeof route.onSend;
  });
}
