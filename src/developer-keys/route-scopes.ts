/**
 * Every API route the service exposes, as Canvas scope strings. Developer keys, and the tokens
 * issued under them, may only name these; a test checks that each registered `/api/` route is
 * listed here. The list is the keys' vocabulary, so it lives with them, below the HTTP layer.
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
  // media objects and tracks (src/http/routes/media-*.ts); `/api/media_objects…`: the RCE API server's paths
  ['POST', '/api/v1/media_objects'],
  ['POST', '/api/media_objects'],
  ['GET', '/api/v1/media_objects'],
  ['GET', '/api/media_objects'],
  ['GET', '/api/v1/courses/:course_id/media_objects'],
  ['GET', '/api/v1/groups/:group_id/media_objects'],
  ['GET', '/api/v1/accounts/:account_id/media_objects'],
  ['GET', '/api/v1/media_objects/:media_object_id'],
  ['PUT', '/api/v1/media_objects/:media_object_id'],
  ['PUT', '/api/media_objects/:media_object_id'],
  ['DELETE', '/api/v1/media_objects/:media_object_id'],
  ...(['/api/v1/media_objects', '/api/media_objects'] as const).flatMap((base) => [
    ['GET', `${base}/:media_object_id/media_tracks`] as const,
    ['PUT', `${base}/:media_object_id/media_tracks`] as const,
    ['POST', `${base}/:media_object_id/media_tracks`] as const,
    ['GET', `${base}/:media_object_id/media_tracks/:id`] as const,
    ['DELETE', `${base}/:media_object_id/media_tracks/:id`] as const,
  ]),
  ['GET', '/api/v1/accounts/:account_id/media_events'],
  ['GET', '/api/v1/accounts/:account_id/overview'],
  ['POST', '/api/v1/accounts/:account_id/ks_inspection'],
];

/** Canvas's media routes outside `/api/` that take a token too; a scoped token must name them. */
export const PAGE_ROUTES: ReadonlyArray<readonly [method: string, path: string]> = [
  ['POST', '/media_objects'],
  ['GET', '/media_objects/:media_object_id/media_tracks'],
  ['PUT', '/media_objects/:media_object_id/media_tracks'],
  ['POST', '/media_objects/:media_object_id/media_tracks'],
  ['GET', '/media_objects/:media_object_id/media_tracks/:id'],
  ['DELETE', '/media_objects/:media_object_id/media_tracks/:id'],
  ['GET', '/media_objects/:media_object_id/redirect'],
  ['GET', '/media_objects/:media_object_id/thumbnail'],
  ['GET', '/media_objects_iframe/:media_object_id'],
];

const SCOPES: ReadonlySet<string> = new Set([...API_ROUTES, ...PAGE_ROUTES].map(([m, p]) => scopeFor(m, p)));

/** The scope strings a developer key or token may carry. */
export function knownScopes(): ReadonlySet<string> {
  return SCOPES;
}
