/**
 * Canvas's Media Objects API: register an uploaded Kaltura entry (`POST /api/v1/media_objects`,
 * also `/media_objects` and `/api/media_objects`), list the caller's objects or a context's,
 * retitle, delete, and the thumbnail and playback redirects.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ApiError } from '../../canvas/api-error.js';
import { parsePagination } from '../../canvas/pagination.js';
import { linkHeader } from '../../canvas/link-header.js';
import { cutTitle, isEntryId, parseContextCode } from '../../media/media-ids.js';
import { createdMediaObjectJson, mediaObjectApiJson } from '../../media/media-object-json.js';
import type { MediaActor } from '../../media/media-service.js';
import type { MediaObject, MediaSort } from '../../media/media-object-repository.js';
import type { Account } from '../../accounts/account-repository.js';
import { param, requestPath } from '../request-params.js';
import { baseUrlOf, mediaActor, ownMediaActor, requestInfo, resolveCaller } from './media-access.js';
import { listingCacheKey, type ListingAnswer } from '../../media/media-listing-cache.js';
import {
  commonQuery,
  createBody,
  createQuery,
  createResponse,
  errorResponses,
  listQuery,
  mediaIdParams,
  mediaObjectApiSchema,
} from './media-schemas.js';

const MAX_CONTEXT_CODE = 255;
/** Titles longer than this are refused outright rather than cut (they are surely not titles). */
const MAX_TITLE_INPUT = 100_000;

/** An optional text parameter: undefined/null → null; anything but text → 400. */
export function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw ApiError.badRequest(`The ${name} parameter must be text.`, 'invalid_parameter');
  if (value.length > MAX_TITLE_INPUT) throw ApiError.badRequest(`The ${name} parameter is too long.`, 'invalid_parameter');
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) throw ApiError.badRequest(`The ${name} parameter must not contain control characters.`, 'invalid_parameter');
  return value;
}

/** A parameter that must be one value: a JSON array or object given for it is a 400. */
export function singleParam(request: FastifyRequest, name: string): unknown {
  const body = request.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, name)) {
    const v = (body as Record<string, unknown>)[name];
    if (v !== null && typeof v === 'object') throw ApiError.badRequest(`The ${name} parameter must be a single value.`, 'invalid_parameter');
  }
  return param(request, name);
}

/** Values of a Canvas list parameter (`name[]=a&name[]=b`, `name=a`, or a JSON array). */
export function listParam(request: FastifyRequest, name: string): string[] {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const raw = q[`${name}[]`] ?? q[name];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values.filter((v): v is string => typeof v === 'string');
}

/** The entry id of a path, or 404 when it cannot be one (nothing that is not an entry id exists). */
export function pathMediaId(request: FastifyRequest): string {
  const id = (request.params as { media_object_id?: string }).media_object_id;
  if (!isEntryId(id)) throw ApiError.notFound();
  return id;
}

/** Renders objects as `media_object_api_json`, fetching sources unless excluded. */
export async function renderApiObjects(ctx: AppContext, request: FastifyRequest, account: Account, actor: MediaActor, objects: MediaObject[], exclude: ReadonlySet<string>) {
  const baseUrl = baseUrlOf(request);
  const tracks = exclude.has('tracks') ? null : await ctx.media.tracksOf(objects);
  const sources = exclude.has('sources') ? null : await ctx.media.sourcesOf(account, objects, request.log);
  return objects.map((o, i) =>
    mediaObjectApiJson(o, {
      baseUrl,
      canAddCaptions: ctx.media.canManage(actor, o),
      ...(sources ? { sources: sources[i]! } : {}),
      ...(tracks ? { tracks: tracks.get(o.id) ?? [] } : {}),
    }),
  );
}

/** The listing cache's key of this request (media-listing-cache.ts). */
function listingKey(request: FastifyRequest, actor: MediaActor): string {
  return listingCacheKey(actor.user.id, actor.isAdmin, baseUrlOf(request), request.url);
}

/** Sends a listing answer serialized already (the route's response schema made it). */
function sendListing(reply: FastifyReply, answer: ListingAnswer): FastifyReply {
  return reply.header('link', answer.link).header('content-type', 'application/json; charset=utf-8').send(answer.body);
}

/** Registers the media object routes. */
export async function mediaObjectRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    const { account, actor } = await mediaActor(ctx, request);
    const id = singleParam(request, 'id');
    if (id === undefined || id === null || id === '') throw ApiError.badRequest('The id parameter (the Kaltura entry id) is required.', 'invalid_parameter');
    if (!isEntryId(id)) throw ApiError.badRequest('The id parameter must be a Kaltura entry id: a digit, "_" and 8 letters or digits (e.g. 0_abcd1234).', 'invalid_parameter');
    const rawType = optionalText(singleParam(request, 'type'), 'type');
    // Canvas's client sends `video`/`audio`, or the file's MIME type (`file.type || type`): keep its main type
    const typeMatch = /^(video|audio|image)(?:\/[a-z0-9.+-]{1,100})?(?:;.{0,100})?$/.exec((rawType ?? '').trim().toLowerCase());
    if (rawType !== null && rawType.trim() !== '' && !typeMatch) throw ApiError.badRequest('The type parameter must be "video" or "audio" (or a video/ or audio/ MIME type).', 'invalid_parameter');
    const mediaType = typeMatch ? typeMatch[1]! : 'video';
    const contextCode = optionalText(singleParam(request, 'context_code'), 'context_code');
    if (contextCode !== null && (contextCode.length > MAX_CONTEXT_CODE || !parseContextCode(contextCode))) {
      throw ApiError.badRequest('The context_code parameter must look like user_<id>, course_<id> or group_<id>.', 'invalid_parameter');
    }
    const title = optionalText(singleParam(request, 'title'), 'title');
    const userEnteredTitle = optionalText(singleParam(request, 'user_entered_title'), 'user_entered_title');
    const { object, created } = await ctx.media.register(
      account,
      actor,
      {
        mediaId: id,
        mediaType,
        contextCode: contextCode === null || contextCode === '' ? null : contextCode,
        title: title === null || title.trim() === '' ? null : title,
        userEnteredTitle: userEnteredTitle === null || userEnteredTitle.trim() === '' ? null : userEnteredTitle,
      },
      requestInfo(request),
    );
    // Canvas answers 200 whether it created or updated
    void created;
    return reply.send(createdMediaObjectJson(object, baseUrlOf(request)));
  };

  const createSchema = {
    summary: 'Register an uploaded Kaltura entry as a media object (creates, or updates the same entry in the same context)',
    tags: ['media'],
    body: createBody,
    querystring: createQuery,
    response: { 200: createResponse, ...errorResponses },
  };
  // `/media_objects`: older clients; `/api/media_objects`: the client with an `origin` (the RCE's API server)
  for (const path of ['/api/v1/media_objects', '/api/media_objects', '/media_objects']) app.post(path, { schema: createSchema }, create);

  const list = (contextKind: 'course' | 'group' | null) => async (request: FastifyRequest, reply: FastifyReply) => {
    // the caller's own objects need no admin lookup (see ownMediaActor); in a context, admins see every object
    const { account, actor } = contextKind ? await mediaActor(ctx, request) : await ownMediaActor(ctx, request);
    const exclude = new Set(listParam(request, 'exclude'));
    // without sources nothing in the answer comes from Kaltura: it may be kept (media-listing-cache.ts)
    const key = exclude.has('sources') ? listingKey(request, actor) : null;
    if (key !== null) {
      const kept = ctx.mediaListings.get(account.id, key);
      if (kept) return sendListing(reply, kept);
    }
    const q = (request.query ?? {}) as Record<string, unknown>;
    const page = parsePagination({ page: q.page, per_page: q.per_page });
    if (!page.ok) throw ApiError.badRequest(page.message, 'invalid_parameter');
    const sortRaw = optionalText(q.sort, 'sort') ?? 'title';
    if (sortRaw !== 'title' && sortRaw !== 'created_at') throw ApiError.badRequest('The sort parameter must be "title" or "created_at".', 'invalid_parameter');
    const orderRaw = optionalText(q.order, 'order') ?? 'asc';
    if (orderRaw !== 'asc' && orderRaw !== 'desc') throw ApiError.badRequest('The order parameter must be "asc" or "desc".', 'invalid_parameter');
    const searchTerm = optionalText(q.search_term, 'search_term');
    if (searchTerm !== null && searchTerm.length > 255) throw ApiError.badRequest('The search_term parameter is too long (at most 255 characters).', 'invalid_parameter');
    let contextCode: string | undefined;
    let userId: number | undefined = actor.user.id;
    if (contextKind) {
      const raw = (request.params as Record<string, string>)[`${contextKind}_id`] ?? '';
      if (!/^\d{1,15}$/.test(raw)) throw ApiError.notFound();
      contextCode = `${contextKind}_${Number(raw)}`;
      if (actor.isAdmin) userId = undefined;
    }
    const filter = { ...(userId !== undefined ? { userId } : {}), ...(contextCode ? { contextCode } : {}), ...(searchTerm !== null && searchTerm.trim() !== '' ? { searchTerm: searchTerm.trim() } : {}) };
    const linkBase = `${baseUrlOf(request)}${requestPath(request)}`;
    const stamp = ctx.mediaListings.stamp();
    const { objects, total } = await ctx.media.list(account, filter, sortRaw as MediaSort, orderRaw, page.value);
    const link = linkHeader({ baseUrl: linkBase, query: q, page: page.value.page, perPage: page.value.perPage, total });
    const items = await renderApiObjects(ctx, request, account, actor, objects, exclude);
    if (key === null) return reply.header('link', link).send(items);
    const answer = { body: reply.serialize(items) as string, link };
    // an object Kaltura has not described yet is retried by the next listing: not kept until it is
    if (objects.every((o) => o.kalturaSyncedAt !== null)) ctx.mediaListings.set(account.id, key, stamp, answer);
    return sendListing(reply, answer);
  };

  const listSchema = (summary: string, params?: object) => ({
    summary,
    tags: ['media'],
    ...(params ? { params } : {}),
    querystring: listQuery,
    response: { 200: { type: 'array', items: mediaObjectApiSchema }, ...errorResponses },
  });
  app.get('/api/v1/media_objects', { schema: listSchema("The caller's media objects (paginated)") }, list(null));
  app.get('/api/media_objects', { schema: listSchema("The caller's media objects (paginated; the RCE API server's path)") }, list(null));
  const idParam = (name: string) => ({ type: 'object', properties: { [name]: { type: 'string' } }, required: [name] });
  app.get('/api/v1/courses/:course_id/media_objects', { schema: listSchema("Media objects with the context course_<id>: the caller's own, every one for an account admin", idParam('course_id')) }, list('course'));
  app.get('/api/v1/groups/:group_id/media_objects', { schema: listSchema("Media objects with the context group_<id>: the caller's own, every one for an account admin", idParam('group_id')) }, list('group'));

  const update = async (request: FastifyRequest) => {
    const { account, actor } = await mediaActor(ctx, request);
    const object = await ctx.media.visible(account, actor, pathMediaId(request));
    const raw = param(request, 'user_entered_title');
    const title = raw === undefined || raw === null ? '' : optionalText(raw, 'user_entered_title') ?? '';
    // Canvas's answer for a blank title
    if (title.trim() === '') throw new ApiError(400, { message: 'The user_entered_title parameter must have a value' });
    const updated = await ctx.media.retitle(object, cutTitle(title));
    return (await renderApiObjects(ctx, request, account, actor, [updated], new Set(listParam(request, 'exclude'))))[0];
  };
  const updateSchema = {
    summary: "Change a media object's title (owner or admin)",
    tags: ['media'],
    params: mediaIdParams,
    body: { type: 'object', properties: { user_entered_title: { description: 'the new title (cut at 255 characters); blank is refused' } } },
    querystring: { type: 'object', properties: { ...commonQuery, user_entered_title: { description: 'as in the body' }, ...listQuery.properties } },
    response: { 200: mediaObjectApiSchema, ...errorResponses },
  };
  app.put('/api/v1/media_objects/:media_object_id', { schema: updateSchema }, update);
  app.put('/api/media_objects/:media_object_id', { schema: updateSchema }, update);

  app.get(
    '/api/v1/media_objects/:media_object_id',
    {
      schema: {
        summary: 'One media object (owner or admin)',
        tags: ['media'],
        params: mediaIdParams,
        querystring: listQuery,
        response: { 200: mediaObjectApiSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account, actor } = await mediaActor(ctx, request);
      const object = await ctx.media.visible(account, actor, pathMediaId(request));
      if (object.kalturaSyncedAt === null) ctx.media.refreshInBackground(account, object);
      return (await renderApiObjects(ctx, request, account, actor, [object], new Set(listParam(request, 'exclude'))))[0];
    },
  );

  app.delete(
    '/api/v1/media_objects/:media_object_id',
    {
      schema: {
        summary: 'Delete a media object and its tracks (owner or admin; the Kaltura entry is left as it is)',
        tags: ['media'],
        params: mediaIdParams,
        querystring: { type: 'object', properties: commonQuery },
        response: { 200: mediaObjectApiSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account, actor } = await mediaActor(ctx, request);
      const object = await ctx.media.visible(account, actor, pathMediaId(request));
      const json = (await renderApiObjects(ctx, request, account, actor, [object], new Set(['sources'])))[0];
      await ctx.media.remove(account, actor, object, requestInfo(request));
      return json;
    },
  );

  // Canvas's thumbnail redirect: no token needed (the Kaltura thumbnail is public), but the entry must be registered here
  app.get(
    '/media_objects/:media_object_id/thumbnail',
    {
      schema: {
        summary: "301 to the entry's thumbnail at Kaltura, as Canvas builds it",
        tags: ['media'],
        params: mediaIdParams,
        querystring: {
          type: 'object',
          properties: { width: { description: 'pixels (default 140)' }, height: { description: 'pixels (default 100)' }, type: { description: "Kaltura's thumbnail type (default 2)" } },
        },
        response: { 301: { type: 'null', description: 'Location: the thumbnail URL' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const mediaId = pathMediaId(request);
      const { account } = await resolveCaller(ctx, request);
      if (!(await ctx.media.find(account, mediaId))) throw ApiError.notFound();
      const q = (request.query ?? {}) as Record<string, unknown>;
      const dim = (v: unknown, name: string, d: number): number => {
        if (v === undefined || v === '') return d;
        if (typeof v !== 'string' || !/^\d{1,4}$/.test(v)) throw ApiError.badRequest(`The ${name} parameter must be a whole number from 0 to 9999.`, 'invalid_parameter');
        return Number(v);
      };
      const url = await ctx.media.thumbnail(account, mediaId, { width: dim(q.width, 'width', 140), height: dim(q.height, 'height', 100), type: dim(q.type, 'type', 2) });
      if (!url) throw ApiError.notFound('Kaltura is not configured for this account.');
      return reply.code(301).header('location', url).header('cache-control', 'no-store').send();
    },
  );

  app.get(
    '/media_objects/:media_object_id/redirect',
    {
      schema: {
        summary: "Redirect to a flavor's download URL (the one closest to `bitrate`, else Canvas's first source)",
        tags: ['media'],
        params: mediaIdParams,
        querystring: { type: 'object', properties: { ...commonQuery, bitrate: { description: 'wanted bitrate (kbps)' } } },
        response: { 302: { type: 'null', description: 'Location: the download URL' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const mediaId = pathMediaId(request);
      const { account, actor } = await mediaActor(ctx, request);
      const object = await ctx.media.visible(account, actor, mediaId);
      const bitrateRaw = param(request, 'bitrate');
      let wanted: number | null = null;
      if (bitrateRaw !== undefined && bitrateRaw !== '') {
        if (typeof bitrateRaw !== 'string' || !/^\d{1,9}$/.test(bitrateRaw)) throw ApiError.badRequest('The bitrate parameter must be a whole number.', 'invalid_parameter');
        wanted = Number(bitrateRaw);
      }
      const sources = await ctx.media.sources(account, object, request.log);
      if (sources.length === 0) throw ApiError.notFound('This media has no playable source yet.');
      let chosen = sources[0]!;
      if (wanted !== null) {
        for (const s of sources) if (Math.abs(Number(s.bitrate ?? 0) - wanted) < Math.abs(Number(chosen.bitrate ?? 0) - wanted)) chosen = s;
      }
      return reply.code(302).header('location', chosen.url).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
    },
  );
}
