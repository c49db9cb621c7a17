/**
 * Every media object of an account, for its admins (the console's media page):
 * `GET /api/v1/accounts/:account_id/media_objects` with `search_term` (title), `user_id` (owner),
 * Canvas's `sort`, `order`, `exclude[]` and pagination. Items are `media_object_api_json` plus the
 * owner (`user_id`, `user_name`) and `context_code`, which an admin needs to tell objects apart.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ApiError } from '../../canvas/api-error.js';
import { parsePagination } from '../../canvas/pagination.js';
import { linkHeader } from '../../canvas/link-header.js';
import type { MediaSort } from '../../media/media-object-repository.js';
import { requestPath } from '../request-params.js';
import { adminAccount } from './admin/admin-access.js';
import { fieldError } from './admin/admin-input.js';
import { baseUrlOf } from './media-access.js';
import { listParam, optionalText, renderApiObjects } from './media-objects.js';
import { errorResponses, listQuery, mediaObjectApiSchema } from './media-schemas.js';

const accountItem = {
  ...mediaObjectApiSchema,
  properties: {
    ...mediaObjectApiSchema.properties,
    user_id: { type: 'integer' },
    user_name: { type: ['string', 'null'] },
    context_code: { type: ['string', 'null'] },
  },
} as const;

function oneOf<T extends string>(request: FastifyRequest, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optionalText((request.query as Record<string, unknown>)[name], name) ?? fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw ApiError.badRequest(`The ${name} parameter must be ${allowed.map((a) => `"${a}"`).join(' or ')}.`, 'invalid_parameter');
  return raw as T;
}

/** Registers the account-wide media listing. */
export async function mediaAccountObjectRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  app.get(
    '/api/v1/accounts/:account_id/media_objects',
    {
      attachValidation: true,
      schema: {
        summary: "Every media object of the account (account admins): search by title, filter by owner; paginated",
        tags: ['media'],
        params: { type: 'object', properties: { account_id: { type: 'string' } }, required: ['account_id'] },
        querystring: { ...listQuery, properties: { ...listQuery.properties, user_id: { type: 'string', description: "only this user's objects" } } },
        response: { 200: { type: 'array', items: accountItem }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { account, identity } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const q = (request.query ?? {}) as Record<string, unknown>;
      const page = parsePagination({ page: q.page, per_page: q.per_page });
      if (!page.ok) throw ApiError.badRequest(page.message, 'invalid_parameter');
      const sort = oneOf<MediaSort>(request, 'sort', ['title', 'created_at'], 'title');
      const order = oneOf(request, 'order', ['asc', 'desc'], 'asc');
      const searchTerm = (optionalText(q.search_term, 'search_term') ?? '').trim();
      if (searchTerm.length > 255) throw fieldError('search_term', 'The search term is too long (at most 255 characters).');
      const userRaw = (optionalText(q.user_id, 'user_id') ?? '').trim();
      if (userRaw !== '' && !/^\d{1,15}$/.test(userRaw)) throw fieldError('user_id', 'The user id must be a whole number.');
      const { objects, total } = await ctx.media.list(
        account,
        { ...(userRaw !== '' ? { userId: Number(userRaw) } : {}), ...(searchTerm !== '' ? { searchTerm } : {}) },
        sort,
        order,
        page.value,
      );
      reply.header('link', linkHeader({ baseUrl: `${baseUrlOf(request)}${requestPath(request)}`, query: q, page: page.value.page, perPage: page.value.perPage, total }));
      const actor = { user: identity.user, realUser: identity.realUser, isAdmin: true };
      const rendered = await renderApiObjects(ctx, request, account, actor, objects, new Set(listParam(request, 'exclude')));
      const owners = new Map<number, string | null>();
      for (const id of new Set(objects.map((o) => o.userId))) owners.set(id, (await ctx.users.findById(id))?.name ?? null);
      return rendered.map((json, i) => ({ ...json, user_id: objects[i]!.userId, user_name: owners.get(objects[i]!.userId) ?? null, context_code: objects[i]!.contextCode }));
    },
  );
}
