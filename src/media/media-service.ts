/**
 * Canvas's media objects and tracks for one service: registering an uploaded entry (stored at
 * once, its details fetched from Kaltura in the background, retried by the next listing),
 * listing, retitling and deleting, the entry's playable sources (briefly cached; Kaltura failing
 * gives none, logged and counted), caption tracks, and the audit log of what was created or
 * deleted. Who may do what is decided here; the HTTP layer only maps answers.
 */
import type { Account } from '../accounts/account-repository.js';
import type { User } from '../users/user-repository.js';
import type { SettingsService } from '../settings/settings-service.js';
import { isConfigured, maxCaptionBytes } from '../settings/kaltura-settings.js';
import { ApiError, unauthorizedError } from '../canvas/api-error.js';
import { KalturaError } from '../kaltura/kaltura-errors.js';
import { TtlCache } from '../cache/ttl-cache.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import { nowIso } from '../db/time.js';
import type { LineLogger } from '../logging/line-logger.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ServiceMetrics } from '../observability/service-metrics.js';
import type { PageRequest } from '../canvas/pagination.js';
import { cutTitle, parseContextCode } from './media-ids.js';
import { buildMediaSources, urlBaseOf, thumbnailUrl, type MediaSource, type ThumbnailOptions } from './media-sources.js';
import { checkCaptionContent } from './caption-content.js';
import { canonicalLocale, DEFAULT_TRACK_KIND, TRACK_KINDS } from './caption-languages.js';
import type { MediaKaltura } from './media-kaltura.js';
import type { MediaObject, MediaObjectFilter, MediaObjectRepository, MediaSort } from './media-object-repository.js';
import type { MediaTrack, MediaTrackRepository, TrackChange } from './media-track-repository.js';
import type { MediaEventName, MediaEventRepository, NewMediaEvent } from './media-event-repository.js';

/** Who acts, and whether they administer the request's root account. */
export interface MediaActor {
  user: User;
  /** the admin behind a masquerade */
  realUser: User | null;
  isAdmin: boolean;
}

/** Request facts for the audit log and logs. */
export interface MediaRequestInfo {
  clientIp: string | null;
  requestId: string | null;
  log?: LineLogger;
}

/** `POST /api/v1/media_objects` parameters, already read and checked for shape. */
export interface RegisterInput {
  mediaId: string;
  mediaType: string;
  contextCode: string | null;
  title: string | null;
  userEnteredTitle: string | null;
}

/** One item of a track change: content absent means "keep the track of this locale". */
export interface TrackInput {
  locale: unknown;
  content?: unknown;
  kind?: unknown;
}

/** How long a listing of an entry's sources is reused (ms). */
export const SOURCES_TTL_MS = 30_000;

function kalturaReason(err: unknown): string {
  return err instanceof KalturaError ? err.reason : 'internal';
}

function safeMessage(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 300) : 'unknown error';
}

export interface MediaServiceDeps {
  objects: MediaObjectRepository;
  tracks: MediaTrackRepository;
  events: MediaEventRepository;
  settings: SettingsService;
  kaltura: MediaKaltura;
  metrics: ServiceMetrics;
  /** told (topic `media`, key: the root account) after every committed change to an object or its tracks */
  bus: InvalidationBus;
  /** where background work logs (the process logger) */
  log?: LineLogger;
  clock?: () => number;
  sourcesTtlMs?: number;
}

/** Media objects, their sources and tracks. */
export class MediaService {
  private readonly clock: () => number;
  private readonly sourcesCache: TtlCache<string, MediaSource[]>;
  private readonly sourcesInflight = new Map<string, Promise<MediaSource[]>>();
  private readonly refreshing = new Map<number, Promise<void>>();

  constructor(private readonly deps: MediaServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.sourcesCache = new TtlCache(deps.sourcesTtlMs ?? SOURCES_TTL_MS, 10_000, this.clock);
  }

  /** Where background work logs (the app's logger, once it exists). */
  useLogger(log: LineLogger): void {
    this.deps.log = log;
  }

  /** Settings changed somewhere: forget cached sources and sessions. */
  settingsChanged(): void {
    this.sourcesCache.clear();
    this.deps.kaltura.clear();
  }

  /** True when `actor` may see and change `object`: its creator, or an admin of its root account. */
  canManage(actor: MediaActor, object: MediaObject): boolean {
    return actor.isAdmin || object.userId === actor.user.id;
  }

  /** The object of this entry in the account, or null. */
  find(account: Account, mediaId: string): Promise<MediaObject | null> {
    return this.deps.objects.find(account.id, mediaId);
  }

  /** The object when the actor may see it; 404 otherwise (never telling that it exists). */
  async visible(account: Account, actor: MediaActor, mediaId: string): Promise<MediaObject> {
    const object = await this.deps.objects.find(account.id, mediaId);
    if (!object || !this.canManage(actor, object)) throw ApiError.notFound();
    return object;
  }

  /**
   * Creates the object, or updates it when the same entry is registered again in the same
   * context by its owner (or an admin). A `user_<id>` context naming someone else is Canvas's
   * 401 unless the actor is an admin; the entry registered in another context or by someone
   * else is a 409.
   */
  async register(account: Account, actor: MediaActor, input: RegisterInput, req: MediaRequestInfo): Promise<{ object: MediaObject; created: boolean }> {
    if (input.contextCode !== null) {
      const ctx = parseContextCode(input.contextCode);
      if (ctx && ctx.type === 'user' && ctx.id !== 'self' && Number(ctx.id) !== actor.user.id && !actor.isAdmin) throw unauthorizedError();
    }
    const contextCode = input.contextCode === null ? `user_${actor.user.id}` : input.contextCode.replace(/^user_self$/, `user_${actor.user.id}`);
    const now = nowIso(new Date(this.clock()));
    const title = input.title === null ? null : cutTitle(input.title);
    const userEnteredTitle = input.userEnteredTitle === null ? null : cutTitle(input.userEnteredTitle);
    const inserted = await this.deps.objects.insert(
      {
        rootAccountId: account.id,
        mediaId: input.mediaId,
        mediaType: input.mediaType,
        title,
        userEnteredTitle,
        contextCode,
        userId: actor.user.id,
        createdAt: now,
        updatedAt: now,
      },
      (trx, row) => this.audit(account, actor, req, [{ event: 'media_object_created', mediaId: row.mediaId, contextCode }], trx),
    );
    if (inserted) {
      this.changed(account.id);
      this.refreshInBackground(account, inserted);
      return { object: inserted, created: true };
    }
    const existing = await this.deps.objects.find(account.id, input.mediaId);
    if (!existing) throw ApiError.of(409, 'The media object changed while it was being saved; try again.', 'conflict');
    if (!this.canManage(actor, existing) || existing.contextCode !== contextCode) {
      throw ApiError.of(409, 'This media entry is already registered in another context.', 'media_object_exists');
    }
    const updated = await this.deps.objects.update(existing.id, {
      mediaType: input.mediaType,
      ...(title !== null ? { title } : {}),
      ...(userEnteredTitle !== null ? { userEnteredTitle } : {}),
      updatedAt: now,
    });
    const object = updated ?? existing;
    this.changed(account.id);
    if (object.kalturaSyncedAt === null) this.refreshInBackground(account, object);
    return { object, created: false };
  }

  /** A page of objects, and how many there are; objects Kaltura has not described yet are retried in the background. */
  async list(account: Account, filter: Omit<MediaObjectFilter, 'rootAccountId'>, sort: MediaSort, order: 'asc' | 'desc', page: PageRequest): Promise<{ objects: MediaObject[]; total: number }> {
    const f: MediaObjectFilter = { ...filter, rootAccountId: account.id };
    const { objects, total } = await this.deps.objects.page(f, sort, order, page.perPage, page.offset);
    for (const o of objects) if (o.kalturaSyncedAt === null) this.refreshInBackground(account, o);
    return { objects, total };
  }

  /** Sets the user's title (cut at 255); blank is Canvas's 400. */
  async retitle(object: MediaObject, userEnteredTitle: string): Promise<MediaObject> {
    const updated = await this.deps.objects.update(object.id, { userEnteredTitle: cutTitle(userEnteredTitle), updatedAt: nowIso(new Date(this.clock())) });
    if (!updated) throw ApiError.notFound();
    this.changed(updated.rootAccountId);
    return updated;
  }

  /** Deletes the object and its tracks, recording both in the audit log. */
  async remove(account: Account, actor: MediaActor, object: MediaObject, req: MediaRequestInfo): Promise<void> {
    const deleted = await this.deps.objects.delete(object.id, (trx, tracks) =>
      this.audit(
        account,
        actor,
        req,
        [
          ...tracks.map((t) => ({ event: 'media_track_deleted' as const, mediaId: object.mediaId, trackId: t.id, locale: t.locale, contextCode: object.contextCode })),
          { event: 'media_object_deleted', mediaId: object.mediaId, contextCode: object.contextCode },
        ],
        trx,
      ),
    );
    if (!deleted) throw ApiError.notFound();
    this.changed(account.id);
    this.sourcesCache.delete(`${account.id}|${object.mediaId}`);
  }

  /**
   * The entry's playable sources in Canvas's form. Never fails: without Kaltura settings, or
   * when Kaltura fails, the answer is `[]` (logged and counted, as Canvas logs it).
   */
  async sources(account: Account, object: MediaObject, log?: LineLogger): Promise<MediaSource[]> {
    const key = `${account.id}|${object.mediaId}`;
    const cached = this.sourcesCache.get(key);
    if (cached) return cached;
    let pending = this.sourcesInflight.get(key);
    if (!pending) {
      pending = this.loadSources(account, object, key, log).finally(() => this.sourcesInflight.delete(key));
      this.sourcesInflight.set(key, pending);
    }
    return pending;
  }

  /** Sources of many objects, at most 8 Kaltura listings at a time (a page may hold 100 objects). */
  async sourcesOf(account: Account, objects: readonly MediaObject[], log?: LineLogger): Promise<MediaSource[][]> {
    const out: MediaSource[][] = new Array(objects.length);
    let next = 0;
    const worker = async () => {
      while (next < objects.length) {
        const i = next++;
        out[i] = await this.sources(account, objects[i]!, log);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, objects.length) }, worker));
    return out;
  }

  private async loadSources(account: Account, object: MediaObject, key: string, log?: LineLogger): Promise<MediaSource[]> {
    const settings = await this.deps.settings.effective(account.id);
    if (!isConfigured(settings)) return [];
    const base = urlBaseOf(settings.plain);
    if (!base) return [];
    let operation = 'flavors';
    try {
      const flavors = await this.deps.kaltura.flavors(settings, object.mediaId);
      if (flavors.length === 0) return [];
      operation = 'download_ks';
      const ks = await this.deps.kaltura.downloadKs(settings, object.mediaId);
      const listing = buildMediaSources(flavors, object.mediaId, base, ks);
      // like Canvas: cache only a complete, non-empty listing
      if (listing.complete && listing.sources.length > 0) this.sourcesCache.set(key, listing.sources);
      return listing.sources;
    } catch (err) {
      const reason = kalturaReason(err);
      this.deps.metrics.mediaKalturaFailed(operation, reason);
      (log ?? this.deps.log)?.warn({ mediaId: object.mediaId, operation, reason, error: safeMessage(err) }, 'media sources: Kaltura failed; answering no sources');
      return [];
    }
  }

  /** Canvas's thumbnail URL of the entry, or null without Kaltura settings. */
  async thumbnail(account: Account, mediaId: string, opts: ThumbnailOptions): Promise<string | null> {
    const settings = await this.deps.settings.effective(account.id);
    if (!isConfigured(settings)) return null;
    const base = urlBaseOf(settings.plain);
    return base ? thumbnailUrl(base, mediaId, opts) : null;
  }

  /**
   * Fetches the entry's name, duration and type from Kaltura (media.get) without holding up the
   * caller; one at a time per object. A failure leaves the row as it is.
   */
  refreshInBackground(account: Account, object: MediaObject): void {
    if (this.refreshing.has(object.id)) return;
    const job = this.refresh(account, object).finally(() => this.refreshing.delete(object.id));
    this.refreshing.set(object.id, job);
  }

  /** Resolves once no background refresh is running (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.refreshing.size > 0) await Promise.allSettled([...this.refreshing.values()]);
  }

  private async refresh(account: Account, object: MediaObject): Promise<void> {
    try {
      const settings = await this.deps.settings.effective(account.id);
      if (!isConfigured(settings)) return;
      const details = await this.deps.kaltura.entryDetails(settings, object.mediaId);
      if (!details) {
        this.deps.metrics.mediaKalturaFailed('media_get', 'entry_not_found');
        this.deps.log?.warn({ mediaId: object.mediaId, accountId: account.id }, 'media.get: Kaltura does not know this entry; will try again on the next listing');
        return;
      }
      const current = await this.deps.objects.find(account.id, object.mediaId);
      if (!current || current.id !== object.id) return;
      const type = details.mediaType === 5 ? 'audio' : details.mediaType === 2 ? 'image' : details.mediaType === 1 ? 'video' : null;
      await this.deps.objects.update(object.id, {
        ...(current.title === null || current.title.trim() === '' ? (details.name !== null ? { title: cutTitle(details.name) } : {}) : {}),
        ...(details.duration !== null ? { duration: details.duration } : {}),
        ...(type !== null ? { mediaType: type } : {}),
        kalturaSyncedAt: nowIso(new Date(this.clock())),
      });
      this.changed(account.id);
    } catch (err) {
      this.deps.metrics.mediaKalturaFailed('media_get', kalturaReason(err));
      this.deps.log?.warn({ mediaId: object.mediaId, accountId: account.id, reason: kalturaReason(err), error: safeMessage(err) }, 'media.get failed; will try again on the next listing');
    }
  }

  // ---- tracks ----

  /** The object's tracks. */
  tracks(object: MediaObject): Promise<MediaTrack[]> {
    return this.deps.tracks.listFor(object.id);
  }

  /** Tracks of many objects at once. */
  tracksOf(objects: readonly MediaObject[]): Promise<Map<number, MediaTrack[]>> {
    return this.deps.tracks.listForMany(objects.map((o) => o.id));
  }

  /** One track of the object, or 404. */
  async track(object: MediaObject, trackId: number): Promise<MediaTrack> {
    const t = await this.deps.tracks.find(object.id, trackId);
    if (!t) throw ApiError.notFound();
    return t;
  }

  /**
   * Changes the object's tracks (with their audit entries, in one transaction): with `replaceSet` (PUT, Canvas's `saveClosedCaptions`) the items
   * become the whole set (an item without content keeps that locale's track); otherwise each item
   * creates or replaces the track of its locale. Every item is checked before anything is written.
   */
  async changeTracks(account: Account, actor: MediaActor, object: MediaObject, items: readonly TrackInput[], replaceSet: boolean, req: MediaRequestInfo): Promise<MediaTrack[]> {
    const settings = await this.deps.settings.effective(account.id);
    const limit = maxCaptionBytes(settings.plain);
    const upserts: { userId: number; kind: string; locale: string; format: string; content: string }[] = [];
    const keep = new Set<string>();
    const seen = new Set<string>();
    if (items.length > 100) throw ApiError.badRequest('At most 100 tracks may be sent at once.');
    for (const [i, item] of items.entries()) {
      const where = items.length > 1 ? ` (item ${i + 1})` : '';
      if (item === null || typeof item !== 'object' || Array.isArray(item)) throw ApiError.badRequest(`Each track must be an object with "locale" and "content"${where}.`);
      if (typeof item.locale !== 'string' || item.locale.trim() === '') throw ApiError.badRequest(`The locale parameter is required${where}.`);
      const locale = canonicalLocale(item.locale.slice(0, 40));
      if (!locale) throw ApiError.badRequest(`The locale "${item.locale.slice(0, 40).replace(/[^A-Za-z0-9_-]/g, '?')}" is not a caption language Canvas offers${where}.`);
      if (seen.has(locale)) throw ApiError.badRequest(`The locale "${locale}" is given twice${where}.`);
      seen.add(locale);
      let kind: string = DEFAULT_TRACK_KIND;
      if (item.kind !== undefined && item.kind !== null && item.kind !== '') {
        if (typeof item.kind !== 'string' || !(TRACK_KINDS as readonly string[]).includes(item.kind)) throw ApiError.badRequest(`The kind must be one of ${TRACK_KINDS.join(', ')}${where}.`);
        kind = item.kind;
      }
      if (item.content === undefined || item.content === null) {
        if (!replaceSet) throw ApiError.badRequest(`The content parameter is required${where}.`);
        keep.add(locale);
        continue;
      }
      if (typeof item.content !== 'string') throw ApiError.badRequest(`The content must be text${where}.`);
      const check = checkCaptionContent(item.content, limit);
      if (!check.ok) throw ApiError.badRequest(`${check.message}${where}`, 'invalid_caption');
      upserts.push({ userId: actor.user.id, kind, locale, format: check.format, content: item.content });
    }
    await this.deps.tracks.apply(object.id, upserts, keep, replaceSet, nowIso(new Date(this.clock())), (trx, changes: TrackChange[]) =>
      this.audit(account, actor, req, changes.map((c) => ({ event: c.event, mediaId: object.mediaId, trackId: c.track.id, locale: c.track.locale, contextCode: object.contextCode })), trx),
    );
    this.changed(account.id);
    return this.deps.tracks.listFor(object.id);
  }

  /** Deletes one track (404 when absent). */
  async deleteTrack(account: Account, actor: MediaActor, object: MediaObject, trackId: number, req: MediaRequestInfo): Promise<MediaTrack> {
    const t = await this.deps.tracks.delete(object.id, trackId, (trx, track) =>
      this.audit(account, actor, req, [{ event: 'media_track_deleted', mediaId: object.mediaId, trackId: track.id, locale: track.locale, contextCode: object.contextCode }], trx),
    );
    if (!t) throw ApiError.notFound();
    this.changed(account.id);
    return t;
  }

  /** Tells every instance's caches that the account's media changed (after the change is committed). */
  private changed(accountId: number): void {
    this.deps.bus.publish('media', String(accountId));
  }

  private async audit(
    account: Account,
    actor: MediaActor,
    req: MediaRequestInfo,
    events: { event: MediaEventName; mediaId: string; trackId?: number; locale?: string; contextCode: string | null }[],
    trx: Kysely<Database>,
  ): Promise<void> {
    const createdAt = nowIso(new Date(this.clock()));
    const rows: NewMediaEvent[] = events.map((e) => ({
      createdAt,
      accountId: account.id,
      userId: actor.user.id,
      realUserId: actor.realUser?.id ?? null,
      event: e.event,
      mediaId: e.mediaId,
      trackId: e.trackId ?? null,
      locale: e.locale ?? null,
      contextCode: e.contextCode,
      clientIp: req.clientIp,
      requestId: req.requestId,
    }));
    await this.deps.events.insert(rows, trx);
  }

  /** The audit log, for admins. */
  get events(): MediaEventRepository {
    return this.deps.events;
  }
}
