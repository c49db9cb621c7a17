/** The media audit log: creation and deletion of media objects and tracks (media_events). */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';

export const MEDIA_EVENTS = ['media_object_created', 'media_object_deleted', 'media_track_created', 'media_track_updated', 'media_track_deleted'] as const;
export type MediaEventName = (typeof MEDIA_EVENTS)[number];

/** One audit entry. */
export interface MediaEvent {
  id: number;
  createdAt: string;
  accountId: number;
  userId: number;
  realUserId: number | null;
  event: MediaEventName;
  mediaId: string;
  trackId: number | null;
  locale: string | null;
  contextCode: string | null;
  clientIp: string | null;
  requestId: string | null;
}

export type NewMediaEvent = Omit<MediaEvent, 'id'>;

export interface MediaEventFilter {
  accountId: number;
  userId?: number;
  mediaId?: string;
  event?: MediaEventName;
  since?: string;
  until?: string;
}

function toEvent(r: Selectable<Database['media_events']>): MediaEvent {
  return {
    id: r.id,
    createdAt: r.created_at,
    accountId: r.account_id,
    userId: r.user_id,
    realUserId: r.real_user_id,
    event: r.event as MediaEventName,
    mediaId: r.media_id,
    trackId: r.track_id,
    locale: r.locale,
    contextCode: r.context_code,
    clientIp: r.client_ip,
    requestId: r.request_id,
  };
}

/** media_events. */
export class MediaEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records events (one statement), in `executor`'s transaction when one is given. */
  async insert(events: readonly NewMediaEvent[], executor: Kysely<Database> = this.db): Promise<void> {
    if (events.length === 0) return;
    await executor
      .insertInto('media_events')
      .values(
        events.map((e) => ({
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
        })),
      )
      .execute();
  }

  private filtered(f: MediaEventFilter) {
    let q = this.db.selectFrom('media_events').where('account_id', '=', f.accountId);
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.mediaId !== undefined) q = q.where('media_id', '=', f.mediaId);
    if (f.event !== undefined) q = q.where('event', '=', f.event);
    if (f.since !== undefined) q = q.where('created_at', '>=', f.since);
    if (f.until !== undefined) q = q.where('created_at', '<', f.until);
    return q;
  }

  /** Newest first. */
  async list(f: MediaEventFilter, limit: number, offset: number): Promise<MediaEvent[]> {
    const rows = await this.filtered(f).selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map(toEvent);
  }

  async count(f: MediaEventFilter): Promise<number> {
    const r = await this.filtered(f).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
