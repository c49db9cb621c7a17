/**
 * Every API route the service exposes, as Canvas scope strings. Developer keys may only name
 * these; a test checks that each registered `/api/` route is listed here.
 */
import { scopeFor } from '../canvas/scopes.js';

/** Method and path (Fastify syntax, `:param` segments) of each API route. */
export const API_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['GET', '/api/v1/services/kaltura'],
  ['POST', '/api/v1/services/kaltura_session'],
  // the OpenAPI document (src/http/plugins/openapi.ts; `/api/v1/openapi.json` too)
  ['GET', '/api/v1/openapi'],
  // admin API (src/http/routes/admin)
  ['POST', '/api/v1/accounts/:account_id/users'],
  ['GET', '/api/v1/accounts/:account_id/users'],
  ['GET', '/api/v1/users/:id'],
  ['POST', '/api/v1/users/:user_id/tokens'],
  ['GET', '/api/v1/users/:user_id/tokens'],
  ['DELETE', '/api/v1/users/:user_id/tokens/:id'],
  ['GET', '/api/v1/accounts/:account_id/developer_keys'],
  ['POST', '/api/v1/accounts/:account_id/developer_keys'],
  ['PUT', '/api/v1/developer_keys/:id'],
  ['DELETE', '/api/v1/developer_keys/:id'],
  ['GET', '/api/v1/accounts/:account_id/kaltura_settings'],
  ['PUT', '/api/v1/accounts/:account_id/kaltura_settings'],
  ['GET', '/api/v1/kaltura_settings'],
  ['PUT', '/api/v1/kaltura_settings'],
  ['GET', '/api/v1/accounts/:account_id/kaltura_sessions'],
  ['GET', '/api/v1/error_reports/:id'],
  ['GET', '/api/v1/accounts/:account_id/overview'],
  ['POST', '/api/v1/accounts/:account_id/ks_inspection'],
];

const SCOPES: ReadonlySet<string> = new Set(API_ROUTES.map(([m, p]) => scopeFor(m, p)));

/** The scope strings a developer key or token may carry. */
export function knownScopes(): ReadonlySet<string> {
  return SCOPES;
}
