/** Queries on media_tracks (captions of a media object). */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { marker, PreparedQuery } from '../db/prepared-query.js';

/** A stored track. */
export interface MediaTrack {
  id: number;
  mediaObjectId: number;
  userId: number | null;
  kind: string;
  locale: string;
  format: string;
  content: string;
  createdAt: string;
  updatedAt: string;
}

export type NewMediaTrack = Omit<MediaTrack, 'id'>;

function toTrack(r: Selectable<Database['media_tracks']>): MediaTrack {
  return {
    id: r.id,
    mediaObjectId: r.media_object_id,
    userId: r.user_id,
    kind: r.kind,
    locale: r.locale,
    format: r.format,
    content: r.content,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** What a change to a track set did, for the audit log. */
export interface TrackChange {
  event: 'media_track_created' | 'media_track_updated' | 'media_track_deleted';
  track: MediaTrack;
}

/** media_tracks. */
export class MediaTrackRepository {
  private readonly tracksOfQueries = new Map<number, PreparedQuery<Selectable<Database['media_tracks']>>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The object's tracks, by locale. */
  async listFor(mediaObjectId: number): Promise<MediaTrack[]> {
    const rows = await this.db.selectFrom('media_tracks').selectAll().where('media_object_id', '=', mediaObjectId).orderBy('locale').orderBy('id').execute();
    return rows.map(toTrack);
  }

  /** Tracks of many objects (one query for a listing page). */
  async listForMany(mediaObjectIds: readonly number[]): Promise<Map<number, MediaTrack[]>> {
    const out = new Map<number, MediaTrack[]>();
    if (mediaObjectIds.length === 0) return out;
    const values: Record<string, number> = {};
    mediaObjectIds.forEach((id, i) => (values[`id${i}`] = id));
    const { rows } = await this.db.executeQuery(this.tracksOfQuery(mediaObjectIds.length).bind(values));
    for (const r of rows) {
      const list = out.get(r.media_object_id) ?? [];
      list.push(toTrack(r));
      out.set(r.media_object_id, list);
    }
    return out;
  }

  /** The tracks query for `n` objects, compiled once per `n` (a page size: at most 100 of them are kept). */
  private tracksOfQuery(n: number): PreparedQuery<Selectable<Database['media_tracks']>> {
    let prepared = this.tracksOfQueries.get(n);
    if (!prepared) {
      const ids = Array.from({ length: n }, (_, i) => marker(`id${i}`) as never);
      prepared = new PreparedQuery(this.db.selectFrom('media_tracks').selectAll().where('media_object_id', 'in', ids).orderBy('locale').orderBy('id').compile());
      if (this.tracksOfQueries.size >= 100) this.tracksOfQueries.clear();
      this.tracksOfQueries.set(n, prepared);
    }
    return prepared;
  }

  async find(mediaObjectId: number, id: number): Promise<MediaTrack | null> {
    const r = await this.db.selectFrom('media_tracks').selectAll().where('media_object_id', '=', mediaObjectId).where('id', '=', id).executeTakeFirst();
    return r ? toTrack(r) : null;
  }

  /**
   * Applies a change to the object's tracks in one transaction: `upserts` create or replace the
   * track of their locale; when `replaceSet`, every locale not in `keep` or `upserts` is deleted.
   */
  async apply(
    mediaObjectId: number,
    upserts: readonly Omit<NewMediaTrack, 'mediaObjectId' | 'createdAt' | 'updatedAt'>[],
    keep: ReadonlySet<string>,
    replaceSet: boolean,
    now: string,
    alongside?: (trx: Kysely<Database>, changes: TrackChange[]) => Promise<void>,
  ): Promise<TrackChange[]> {
    return this.db.transaction().execute(async (trx) => {
      const changes: TrackChange[] = [];
      const existing = (await trx.selectFrom('media_tracks').selectAll().where('media_object_id', '=', mediaObjectId).execute()).map(toTrack);
      const byLocale = new Map(existing.map((t) => [t.locale, t] as const));
      const written = new Set<string>();
      for (const u of upserts) {
        written.add(u.locale);
        const old = byLocale.get(u.locale);
        if (old) {
          const r = await trx
            .updateTable('media_tracks')
            .set({ kind: u.kind, format: u.format, content: u.content, user_id: u.userId, updated_at: now })
            .where('id', '=', old.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          changes.push({ event: 'media_track_updated', track: toTrack(r) });
        } else {
          const r = await trx
            .insertInto('media_tracks')
            .values({ media_object_id: mediaObjectId, user_id: u.userId, kind: u.kind, locale: u.locale, format: u.format, content: u.content, created_at: now, updated_at: now })
            .returningAll()
            .executeTakeFirstOrThrow();
          changes.push({ event: 'media_track_created', track: toTrack(r) });
        }
      }
      if (replaceSet) {
        for (const t of existing) {
          if (written.has(t.locale) || keep.has(t.locale)) continue;
          await trx.deleteFrom('media_tracks').where('id', '=', t.id).execute();
          changes.push({ event: 'media_track_deleted', track: t });
        }
      }
      if (alongside) await alongside(trx, changes);
      return changes;
    });
  }

  /** Deletes one track, running `alongside` (its audit entry) in the same transaction; returns it when it existed. */
  async delete(mediaObjectId: number, id: number, alongside?: (trx: Kysely<Database>, track: MediaTrack) => Promise<void>): Promise<MediaTrack | null> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.deleteFrom('media_tracks').where('media_object_id', '=', mediaObjectId).where('id', '=', id).returningAll().executeTakeFirst();
      if (!r) return null;
      const track = toTrack(r);
      if (alongside) await alongside(trx, track);
      return track;
    });
  }
}
