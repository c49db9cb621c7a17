/**
 * Every API route the service exposes, as Canvas scope strings. Developer keys may only name
 * these; a test checks that each registered `/api/` route is listed here.
 */
import { scopeFor } from '../canvas/scopes.js';

/** Method and path (Fastify syntax, `:param` segments) of each API route. */
export const API_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/api/v1/services/kaltura'],
  ['POST', '/api/v1/services/kaltura_session'],
];

const SCOPES: ReadonlySet<string> = new Set(API_ROUTES.map(([m, p]) => scopeFor(m, p)));

/** The scope strings a developer key or token may carry. */
export function knownScopes(): ReadonlySet<string> {
  return SCOPES;
}
