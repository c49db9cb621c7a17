/**
 * The media audit log: `GET /api/v1/accounts/:account_id/media_events` (admins of the account;
 * filters user_id, media_id, event, since, until; paginated, newest first).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { MEDIA_EVENTS, type MediaEvent, type MediaEventFilter, type MediaEventName } from '../../media/media-event-repository.js';
import { isEntryId } from '../../media/media-ids.js';
import { adminAccount } from './admin/admin-access.js';
import { fieldError, isoTime, text } from './admin/admin-input.js';
import { errorResponses, idParams, nullableInteger, nullableString, pageQuery } from './admin/admin-schemas.js';
import { pageOf, setLinkHeader } from './admin/paginate.js';

/** One audit entry as the API shows it. */
export function mediaEventJson(e: MediaEvent) {
  return {
    id: e.id,
    created_at: e.createdAt,
    account_id: e.accountId,
    user_id: e.userId,
    real_user_id: e.realUserId,
    event: e.event,
    media_id: e.mediaId,
    track_id: e.trackId,
    locale: e.locale,
    context_code: e.contextCode,
    client_ip: e.clientIp,
    request_id: e.requestId,
  };
}

export const mediaEventSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: { type: 'string' },
    account_id: { type: 'integer' },
    user_id: { type: 'integer' },
    real_user_id: nullableInteger,
    event: { type: 'string', enum: [...MEDIA_EVENTS] },
    media_id: { type: 'string' },
    track_id: nullableInteger,
    locale: nullableString,
    context_code: nullableString,
    client_ip: nullableString,
    request_id: nullableString,
  },
  required: ['id', 'created_at', 'account_id', 'user_id', 'real_user_id', 'event', 'media_id', 'track_id', 'locale', 'context_code', 'client_ip', 'request_id'],
} as const;

/** Registers the media audit route. */
export async function mediaEventRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  app.get(
    '/api/v1/accounts/:account_id/media_events',
    {
      attachValidation: true,
      schema: {
        summary: 'Media objects and tracks created and deleted in the account (audit log, newest first, paginated)',
        tags: ['audit'],
        params: idParams('account_id'),
        querystring: {
          type: 'object',
          properties: {
            ...pageQuery,
            user_id: { type: 'string', description: 'only events by this user' },
            media_id: { type: 'string', description: 'only events of this entry' },
            event: { type: 'string', description: `only this event: ${MEDIA_EVENTS.join(', ')}` },
            since: { type: 'string', description: 'only events at or after this ISO 8601 time' },
            until: { type: 'string', description: 'only events before this ISO 8601 time' },
          },
        },
        response: { 200: { type: 'array', items: mediaEventSchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const q = request.query as Record<string, unknown>;
      const filter: MediaEventFilter = { accountId: account.id };
      const userId = text(q.user_id, 'user_id');
      if (userId !== undefined) {
        if (!/^\d{1,15}$/.test(userId) || Number(userId) < 1) throw fieldError('user_id', 'user_id must be a positive whole number');
        filter.userId = Number(userId);
      }
      const mediaId = text(q.media_id, 'media_id');
      if (mediaId !== undefined) {
        if (!isEntryId(mediaId)) throw fieldError('media_id', 'media_id must be a Kaltura entry id');
        filter.mediaId = mediaId;
      }
      const event = text(q.event, 'event');
      if (event !== undefined) {
        if (!(MEDIA_EVENTS as readonly string[]).includes(event)) throw fieldError('event', `event must be one of ${MEDIA_EVENTS.join(', ')}`);
        filter.event = event as MediaEventName;
      }
      const since = isoTime(q.since, 'since');
      const until = isoTime(q.until, 'until');
      if (since !== undefined) filter.since = since;
      if (until !== undefined) filter.until = until;
      const page = pageOf(request);
      const [events, total] = await Promise.all([ctx.media.events.list(filter, page.perPage, page.offset), ctx.media.events.count(filter)]);
      setLinkHeader(request, reply, page, total);
      return events.map(mediaEventJson);
    },
  );
}
