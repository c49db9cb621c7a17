/**
 * Canvas's media tracks (captions): list (`include[]`), replace the set with a JSON array (PUT,
 * what `saveClosedCaptions` sends), add or replace one locale (POST), serve one track as WebVTT
 * or SRT, delete one. Under `/api/v1/media_objects/…`, `/api/media_objects/…` (the RCE API
 * server's paths) and Canvas's `/media_objects/…`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { ApiError } from '../../canvas/api-error.js';
import { CAPTION_CONTENT_TYPES, type CaptionFormat } from '../../media/caption-content.js';
import { srtToVtt, TRACK_INCLUDES, trackListJson } from '../../media/media-object-json.js';
import type { TrackInput } from '../../media/media-service.js';
import type { TrackUrlSigner } from '../../media/track-url-signer.js';
import { MAX_CAPTION_BYTES_LIMIT } from '../../settings/kaltura-settings.js';
import { mediaActor, requestInfo, resolveCaller } from './media-access.js';
import { listParam, pathMediaId, renderApiObjects } from './media-objects.js';
import { commonQuery, errorResponses, mediaIdParams, mediaObjectApiSchema, trackItemFields, trackListItem, trackListQuery, trackParams } from './media-schemas.js';

const BASES = ['/api/v1/media_objects', '/api/media_objects', '/media_objects'] as const;

/** Caption uploads may be larger than other bodies: up to the largest `max_caption_bytes`, twice, and some room. */
const TRACK_BODY_LIMIT = 2 * MAX_CAPTION_BYTES_LIMIT + 64 * 1024;

function trackIdOf(request: FastifyRequest): number {
  const raw = (request.params as { id?: string }).id ?? '';
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) throw ApiError.notFound();
  return Number(raw);
}

function includesOf(request: FastifyRequest): Set<string> {
  return new Set(listParam(request, 'include').filter((i) => (TRACK_INCLUDES as readonly string[]).includes(i)));
}

/** The items of a track change: a JSON array, `{"media_tracks":[…]}`, or one track's fields. */
function itemsOf(request: FastifyRequest): { items: TrackInput[]; many: boolean } {
  const body = request.body;
  if (Array.isArray(body)) return { items: body as TrackInput[], many: true };
  if (body !== null && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    if (Array.isArray(o.media_tracks)) return { items: o.media_tracks as TrackInput[], many: true };
    if (o.locale !== undefined || o.content !== undefined || o.kind !== undefined) return { items: [o as unknown as TrackInput], many: false };
  }
  const q = (request.query ?? {}) as Record<string, unknown>;
  if (q.locale !== undefined) return { items: [{ locale: q.locale, content: q.content, kind: q.kind }], many: false };
  // only an explicit empty array clears the set; a missing body is a mistake, not "delete everything"
  throw ApiError.badRequest('Send the tracks as a JSON array of {"locale", "content", "kind"}.', 'invalid_parameter');
}

/** Registers the media track routes. */
export async function mediaTrackRoutes(app: FastifyInstance, opts: { ctx: AppContext; signer: TrackUrlSigner }): Promise<void> {
  const { ctx, signer } = opts;

  const listTracks = async (request: FastifyRequest) => {
    const { account, actor } = await mediaActor(ctx, request);
    const object = await ctx.media.visible(account, actor, pathMediaId(request));
    const include = includesOf(request);
    return (await ctx.media.tracks(object)).map((t) => trackListJson(t, object.mediaId, include));
  };

  const replaceTracks = async (request: FastifyRequest) => {
    const { account, actor } = await mediaActor(ctx, request);
    const object = await ctx.media.visible(account, actor, pathMediaId(request));
    const { items } = itemsOf(request);
    const tracks = await ctx.media.changeTracks(account, actor, object, items, true, requestInfo(request));
    const include = includesOf(request);
    return tracks.map((t) => trackListJson(t, object.mediaId, include));
  };

  // POST: one track (Canvas's media_tracks#create, answering the media object), or an array as PUT does
  const addTracks = async (request: FastifyRequest, reply: FastifyReply) => {
    const { account, actor } = await mediaActor(ctx, request);
    const object = await ctx.media.visible(account, actor, pathMediaId(request));
    const { items, many } = itemsOf(request);
    if (items.length === 0) throw ApiError.badRequest('The locale and content parameters are required.', 'invalid_parameter');
    const tracks = await ctx.media.changeTracks(account, actor, object, items, false, requestInfo(request));
    if (many) return reply.send(tracks.map((t) => trackListJson(t, object.mediaId, includesOf(request))));
    return reply.send((await renderApiObjects(ctx, request, account, actor, [object], new Set(['sources'])))[0]);
  };

  const showTrack = async (request: FastifyRequest, reply: FastifyReply) => {
    const mediaId = pathMediaId(request);
    const trackId = trackIdOf(request);
    const { account, identity } = await resolveCaller(ctx, request);
    const q = (request.query ?? {}) as Record<string, unknown>;
    let object;
    if (q.verifier !== undefined && signer.verify(account.id, mediaId, trackId, q.verifier, q.expires, Math.floor(Date.now() / 1000))) {
      // a signed link from the player page of someone allowed to see the object
      object = await ctx.media.find(account, mediaId);
      if (!object) throw ApiError.notFound();
    } else {
      if (!identity && q.verifier !== undefined) throw ApiError.of(401, 'This caption link has expired or is not valid.', 'invalid_verifier');
      const { actor } = await mediaActor(ctx, request);
      object = await ctx.media.visible(account, actor, mediaId);
    }
    const track = await ctx.media.track(object, trackId);
    // `format=vtt`: as WebVTT whatever was stored (a <track> element reads nothing else)
    const asVtt = q.format === 'vtt' && track.format !== 'vtt';
    if (q.format !== undefined && q.format !== 'vtt') throw ApiError.badRequest('The format parameter must be "vtt".', 'invalid_parameter');
    return reply
      .header('content-type', asVtt ? CAPTION_CONTENT_TYPES.vtt : (CAPTION_CONTENT_TYPES[track.format as CaptionFormat] ?? 'text/plain; charset=utf-8'))
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('last-modified', new Date(track.updatedAt).toUTCString())
      .send(asVtt ? srtToVtt(track.content) : track.content);
  };

  const deleteTrack = async (request: FastifyRequest) => {
    const { account, actor } = await mediaActor(ctx, request);
    const object = await ctx.media.visible(account, actor, pathMediaId(request));
    await ctx.media.deleteTrack(account, actor, object, trackIdOf(request), requestInfo(request));
    return (await renderApiObjects(ctx, request, account, actor, [object], new Set(['sources'])))[0];
  };

  const trackArray = { type: 'array', items: trackListItem } as const;
  const changeBody = {
    description: 'a JSON array of {"locale", "content", "kind"} (PUT: the whole set; an item without content keeps that locale), or one track\'s fields',
    anyOf: [
      { type: 'array', items: { type: 'object', properties: trackItemFields } },
      { type: 'object', properties: { ...trackItemFields, media_tracks: { type: 'array', items: { type: 'object', properties: trackItemFields } } } },
    ],
  };

  for (const base of BASES) {
    app.get(
      `${base}/:media_object_id/media_tracks`,
      { schema: { summary: "The object's caption tracks (owner or admin)", tags: ['media'], params: mediaIdParams, querystring: trackListQuery, response: { 200: trackArray, ...errorResponses } } },
      listTracks,
    );
    app.put(
      `${base}/:media_object_id/media_tracks`,
      {
        bodyLimit: Math.max(ctx.config.bodyLimitBytes, TRACK_BODY_LIMIT),
        schema: {
          summary: "Replace the object's caption tracks with the array sent (saveClosedCaptions)",
          tags: ['media'],
          params: mediaIdParams,
          querystring: trackListQuery,
          body: changeBody,
          response: { 200: trackArray, ...errorResponses },
        },
      },
      replaceTracks,
    );
    app.post(
      `${base}/:media_object_id/media_tracks`,
      {
        bodyLimit: Math.max(ctx.config.bodyLimitBytes, TRACK_BODY_LIMIT),
        schema: {
          summary: 'Add or replace the track of a locale (one track: answers the media object; an array: answers the tracks)',
          tags: ['media'],
          params: mediaIdParams,
          querystring: { type: 'object', properties: { ...trackListQuery.properties, ...trackItemFields } },
          body: changeBody,
          response: { 200: { anyOf: [mediaObjectApiSchema, trackArray] }, ...errorResponses },
        },
      },
      addTracks,
    );
    app.get(
      `${base}/:media_object_id/media_tracks/:id`,
      {
        schema: {
          summary: 'The track itself, as WebVTT (text/vtt) or SRT (application/x-subrip)',
          tags: ['media'],
          params: trackParams,
          querystring: { type: 'object', properties: { ...commonQuery, verifier: { type: 'string', description: "the player page's signed link" }, expires: { type: 'string' }, format: { type: 'string', description: '`vtt`: served as WebVTT even when stored as SRT' } } },
          response: { 200: { type: 'string', description: 'the caption file' }, ...errorResponses },
        },
      },
      showTrack,
    );
    app.delete(
      `${base}/:media_object_id/media_tracks/:id`,
      {
        schema: {
          summary: 'Delete one track (owner or admin); answers the media object',
          tags: ['media'],
          params: trackParams,
          querystring: { type: 'object', properties: commonQuery },
          response: { 200: mediaObjectApiSchema, ...errorResponses },
        },
      },
      deleteTrack,
    );
  }
}
