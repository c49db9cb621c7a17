/**
 * Canvas's access-token API: `POST /api/v1/users/:user_id/tokens` (token[purpose],
 * token[expires_at], token[scopes][]), `GET /api/v1/users/:user_id/tokens` and
 * `DELETE /api/v1/users/:user_id/tokens/:id`. The token itself is shown once, at creation
 * (`visible_token`); listings show only its hint.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import { AccessTokenRepository } from '../../../tokens/access-token-repository.js';
import { TokenInputError } from '../../../tokens/access-token-service.js';
import { ApiError } from '../../../canvas/api-error.js';
import { managedUser, pathId } from './admin-access.js';
import { fieldError, isoTime, section, stringList, text } from './admin-input.js';
import { errorResponses, idParams, listField, nullableInteger, nullableString, pageQuery, plainQuery, textField } from './admin-schemas.js';
import { pageOf, setLinkHeader } from './paginate.js';
import { tokenJson } from '../../../tokens/access-token-json.js';

const tokenProperties = {
  id: { type: 'integer' },
  user_id: { type: 'integer' },
  developer_key_id: nullableInteger,
  purpose: nullableString,
  created_at: { type: 'string' },
  updated_at: { type: 'string' },
  expires_at: nullableString,
  last_used_at: nullableString,
  workflow_state: { type: 'string' },
  scopes: { type: 'array', items: { type: 'string' } },
  real_user_id: nullableInteger,
  token_hint: { type: 'string' },
} as const;

/** Canvas's token JSON (listings). */
export const tokenSchema = { type: 'object', properties: tokenProperties, required: Object.keys(tokenProperties) } as const;

/** The creation response: the token JSON plus `visible_token`, the whole token, shown this once. */
const createdTokenSchema = {
  type: 'object',
  properties: { ...tokenProperties, visible_token: { type: 'string' } },
  required: [...Object.keys(tokenProperties), 'visible_token'],
} as const;


const createBody = {
  type: 'object',
  properties: {
    token: {
      type: 'object',
      properties: {
        purpose: textField('what the token is for (required)'),
        expires_at: textField('expiry, ISO 8601 (optional; never expires when absent)'),
        scopes: listField('scope strings `url:<VERB>|<path>` (token[scopes][])'),
      },
    },
  },
} as const;

/** Registers the token routes. */
export async function tokenRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  // Reads only; every change goes through ctx.tokens, which tells the caches.
  const stored = new AccessTokenRepository(ctx.db.kysely);

  app.post(
    '/api/v1/users/:user_id/tokens',
    {
      schema: {
        summary: 'Create an access token for a user (shown once, as visible_token)',
        tags: ['tokens'],
        params: idParams('user_id'),
        querystring: plainQuery,
        body: createBody,
        response: { 200: createdTokenSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { user, identity } = await managedUser(ctx, request, (request.params as { user_id: string }).user_id, 'user_id');
      const token = section(request.body, 'token');
      const purpose = text(token.purpose, 'token[purpose]', { required: true })!;
      const expiresAt = isoTime(token.expires_at, 'token[expires_at]') ?? null;
      if (expiresAt !== null && Date.parse(expiresAt) <= Date.now()) throw fieldError('token[expires_at]', 'token[expires_at] must be in the future');
      const scopes = stringList(token.scopes, 'token[scopes]') ?? [];
      // The person really acting, when not the token's owner, is kept on the token (Canvas's real_user).
      const actor = identity.realUser ?? identity.user;
      try {
        const created = await ctx.tokens.create({ userId: user.id, realUserId: actor.id === user.id ? null : actor.id, purpose, expiresAt, scopes });
        return { ...tokenJson(created.record), visible_token: created.token };
      } catch (err) {
        if (err instanceof TokenInputError) throw fieldError('token[scopes]', err.message);
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/users/:user_id/tokens',
    {
      schema: {
        summary: "List a user's access tokens (paginated; hints only)",
        tags: ['tokens'],
        params: idParams('user_id'),
        querystring: { type: 'object', properties: pageQuery },
        response: { 200: { type: 'array', items: tokenSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { user } = await managedUser(ctx, request, (request.params as { user_id: string }).user_id, 'user_id');
      const page = pageOf(request);
      const [rows, total] = await Promise.all([stored.listForUser(user.id, page.perPage, page.offset), stored.countForUser(user.id)]);
      setLinkHeader(request, reply, page, total);
      return rows.map(tokenJson);
    },
  );

  app.delete(
    '/api/v1/users/:user_id/tokens/:id',
    {
      schema: {
        summary: 'Delete (revoke) an access token; `:id` may be `current`, the token of this request',
        tags: ['tokens'],
        params: idParams('user_id', 'id'),
        querystring: plainQuery,
        response: { 200: tokenSchema, ...errorResponses },
      },
    },
    async (request) => {
      const params = request.params as { user_id: string; id: string };
      const { user, identity } = await managedUser(ctx, request, params.user_id, 'user_id');
      const id = params.id === 'current' ? identity.token.id : pathId(params.id, 'id');
      const record = await stored.findById(id);
      if (!record || record.userId !== user.id || record.workflowState === 'deleted') throw ApiError.notFound();
      await ctx.tokens.revoke(id);
      return tokenJson((await stored.findById(id))!);
    },
  );
}
