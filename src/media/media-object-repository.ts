/** Queries on media_objects (Kysely, the same on SQLite and PostgreSQL). */
import type { Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import { sql } from '../db/kysely.js';
import type { Database } from '../db/schema.js';
import { marker, PreparedQuery } from '../db/prepared-query.js';

/** A stored media object. */
export interface MediaObject {
  id: number;
  rootAccountId: number;
  mediaId: string;
  mediaType: string;
  title: string | null;
  userEnteredTitle: string | null;
  contextCode: string | null;
  userId: number;
  duration: number | null;
  workflowState: string;
  kalturaSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type NewMediaObject = Omit<MediaObject, 'id' | 'workflowState' | 'kalturaSyncedAt' | 'duration'>;

/** Which objects a listing shows. */
export interface MediaObjectFilter {
  rootAccountId: number;
  /** only this user's */
  userId?: number;
  /** only objects with this context code */
  contextCode?: string;
  /** title (user's or Kaltura's) contains this, case-insensitively */
  searchTerm?: string;
}

export type MediaSort = 'title' | 'created_at';

function toObject(r: Selectable<Database['media_objects']>): MediaObject {
  return {
    id: r.id,
    rootAccountId: r.root_account_id,
    mediaId: r.media_id,
    mediaType: r.media_type,
    title: r.title,
    userEnteredTitle: r.user_entered_title,
    contextCode: r.context_code,
    userId: r.user_id,
    duration: r.duration,
    workflowState: r.workflow_state,
    kalturaSyncedAt: r.kaltura_synced_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Escapes LIKE wildcards (`\` is the escape character in both databases' ESCAPE clause). */
function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** What a listing's WHERE compares with: the filter, its search term as a LIKE pattern. */
interface FilterValues {
  rootAccountId: number;
  userId?: number;
  contextCode?: string;
  pattern?: string;
}

function filterValues(f: MediaObjectFilter): FilterValues {
  return {
    rootAccountId: f.rootAccountId,
    ...(f.userId !== undefined ? { userId: f.userId } : {}),
    ...(f.contextCode !== undefined ? { contextCode: f.contextCode } : {}),
    ...(f.searchTerm !== undefined ? { pattern: likePattern(f.searchTerm) } : {}),
  };
}

/** media_objects. */
export class MediaObjectRepository {
  /** page queries by shape (which filters, sort, order): at most 32, each compiled once */
  private readonly pageQueries = new Map<string, PreparedQuery<Selectable<Database['media_objects']>>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The object with this entry id in the root account. */
  async find(rootAccountId: number, mediaId: string): Promise<MediaObject | null> {
    const r = await this.db.selectFrom('media_objects').selectAll().where('root_account_id', '=', rootAccountId).where('media_id', '=', mediaId).executeTakeFirst();
    return r ? toObject(r) : null;
  }

  /**
   * Inserts, and runs `alongside` (the audit entry) in the same transaction; returns null when
   * (root account, entry id) exists already (a concurrent create), writing nothing.
   */
  async insert(o: NewMediaObject, alongside?: (trx: Kysely<Database>, row: MediaObject) => Promise<void>): Promise<MediaObject | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.insertRow(trx, o);
      if (row && alongside) await alongside(trx, row);
      return row;
    });
  }

  private async insertRow(db: Kysely<Database>, o: NewMediaObject): Promise<MediaObject | null> {
    const r = await db
      .insertInto('media_objects')
      .values({
        root_account_id: o.rootAccountId,
        media_id: o.mediaId,
        media_type: o.mediaType,
        title: o.title,
        user_entered_title: o.userEnteredTitle,
        context_code: o.contextCode,
        user_id: o.userId,
        workflow_state: 'active',
        created_at: o.createdAt,
        updated_at: o.updatedAt,
      })
      .onConflict((oc) => oc.columns(['root_account_id', 'media_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return r ? toObject(r) : null;
  }

  /** Changes fields of one object. */
  async update(
    id: number,
    fields: Partial<Pick<MediaObject, 'mediaType' | 'title' | 'userEnteredTitle' | 'duration' | 'kalturaSyncedAt' | 'updatedAt'>>,
  ): Promise<MediaObject | null> {
    const values: Partial<Record<keyof Database['media_objects'], unknown>> = {};
    if (fields.mediaType !== undefined) values.media_type = fields.mediaType;
    if (fields.title !== undefined) values.title = fields.title;
    if (fields.userEnteredTitle !== undefined) values.user_entered_title = fields.userEnteredTitle;
    if (fields.duration !== undefined) values.duration = fields.duration;
    if (fields.kalturaSyncedAt !== undefined) values.kaltura_synced_at = fields.kalturaSyncedAt;
    if (fields.updatedAt !== undefined) values.updated_at = fields.updatedAt;
    const r = await this.db.updateTable('media_objects').set(values as never).where('id', '=', id).returningAll().executeTakeFirst();
    return r ? toObject(r) : null;
  }

  /**
   * Deletes one object and its tracks, and runs `alongside` (the audit entries, given the tracks
   * that went) in the same transaction; false when it was gone already.
   */
  async delete(id: number, alongside?: (trx: Kysely<Database>, tracks: { id: number; locale: string }[]) => Promise<void>): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const tracks = await trx.deleteFrom('media_tracks').where('media_object_id', '=', id).returning(['id', 'locale']).execute();
      const r = await trx.deleteFrom('media_objects').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) return false;
      if (alongside) await alongside(trx, tracks.sort((a, b) => a.id - b.id));
      return true;
    });
  }

  private filtered(f: FilterValues) {
    let q = this.db.selectFrom('media_objects').where('root_account_id', '=', f.rootAccountId).where('workflow_state', '=', 'active');
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.contextCode !== undefined) q = q.where('context_code', '=', f.contextCode);
    if (f.pattern !== undefined) {
      // ESCAPE named: SQLite has no default LIKE escape character
      q = q.where(sql<boolean>`(lower(coalesce(user_entered_title, '')) like ${f.pattern} escape '\\' or lower(coalesce(title, '')) like ${f.pattern} escape '\\')`);
    }
    return q;
  }

  /** One page, sorted as Canvas sorts (title: the guaranteed title, then id). */
  async list(f: MediaObjectFilter, sort: MediaSort, order: 'asc' | 'desc', limit: number, offset: number): Promise<MediaObject[]> {
    const rows = await this.sorted(this.filtered(filterValues(f)).selectAll(), sort, order).limit(limit).offset(offset).execute();
    return rows.map(toObject);
  }

  /**
   * One page and how many objects match in all. The page is read with one row more than asked:
   * when it is the last page, the total follows from it, and only a listing with pages after
   * this one (or past the end) counts.
   */
  async page(f: MediaObjectFilter, sort: MediaSort, order: 'asc' | 'desc', limit: number, offset: number): Promise<{ objects: MediaObject[]; total: number }> {
    const values = { ...filterValues(f), limit: limit + 1, offset };
    const { rows } = await this.db.executeQuery(this.pageQuery(values, sort, order).bind(values));
    const objects = rows.slice(0, limit).map(toObject);
    const isLastPage = rows.length <= limit && (rows.length > 0 || offset === 0);
    return { objects, total: isLastPage ? offset + rows.length : await this.count(f) };
  }

  /** The page query of this shape (filters present, sort, order), compiled once. */
  private pageQuery(values: FilterValues, sort: MediaSort, order: 'asc' | 'desc') {
    const shape = `${sort}|${order}|${values.userId !== undefined}|${values.contextCode !== undefined}|${values.pattern !== undefined}`;
    let prepared = this.pageQueries.get(shape);
    if (!prepared) {
      const m = (name: keyof FilterValues | 'limit' | 'offset') => marker(name) as never;
      const shapeValues: FilterValues = {
        rootAccountId: m('rootAccountId'),
        ...(values.userId !== undefined ? { userId: m('userId') } : {}),
        ...(values.contextCode !== undefined ? { contextCode: m('contextCode') } : {}),
        ...(values.pattern !== undefined ? { pattern: m('pattern') } : {}),
      };
      prepared = new PreparedQuery(this.sorted(this.filtered(shapeValues).selectAll(), sort, order).limit(m('limit')).offset(m('offset')).compile());
      this.pageQueries.set(shape, prepared);
    }
    return prepared;
  }

  private sorted<Q extends SelectQueryBuilder<Database, 'media_objects', object>>(q: Q, sort: MediaSort, order: 'asc' | 'desc'): Q {
    const byTitle = sort === 'title'
      ? q.orderBy((eb) => eb.fn('lower', [eb.fn.coalesce(eb.fn('nullif', ['user_entered_title', eb.val('')]), eb.fn('nullif', ['title', eb.val('')]), eb.val('Untitled'))]), order)
      : q.orderBy('created_at', order);
    return byTitle.orderBy('id', order) as Q;
  }

  async count(f: MediaObjectFilter): Promise<number> {
    const r = await this.filtered(filterValues(f)).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
