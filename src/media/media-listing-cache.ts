/**
 * Answers of media object listings that call no Kaltura (`exclude[]=sources`), kept briefly so
 * the same listing asked again is not recomputed: the serialized body and the Link header, per
 * root account and a key that names the caller and every parameter of the answer.
 *
 * Freshness: MediaService publishes `media` (key: the root account) once a change to an object or
 * its tracks is committed; this process's answers of that account go stale at once, other
 * instances' when the shared bus (Redis) delivers it. A `user` or `account` change makes every
 * answer stale. Without a shared bus, another instance's change is seen within the TTL, as with
 * the other caches. An answer computed while a change landed is never kept: callers take a
 * `stamp()` before reading and hand it to `set`, which refuses it when anything was invalidated
 * since.
 */
import { TtlCache } from '../cache/ttl-cache.js';
import { sha256Base64 } from '../crypto/sha256.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';

/**
 * The key of a listing: the caller, whether they were answered as an account admin, the
 * `<scheme>://<host>` its URLs are built on, and the request's URL, whose path and query decide
 * every parameter. Hashed, so a token sent in the query is never kept.
 */
export function listingCacheKey(userId: number, isAdmin: boolean, baseUrl: string, url: string): string {
  return sha256Base64(`${userId}|${isAdmin ? 'admin' : 'own'}|${baseUrl}|${url}`);
}

/** One listing answer as sent. */
export interface ListingAnswer {
  body: string;
  link: string;
}

interface Kept {
  accountId: number;
  stamp: number;
  answer: ListingAnswer;
}

/** Default bound on the kept bodies' total length (characters). */
const MAX_TOTAL_CHARS = 32 * 1024 * 1024;

/** Listing answers, dropped when what they show may have changed. */
export class MediaListingCache {
  private readonly kept: TtlCache<string, Kept>;
  /** increases with every invalidation; a stamp is its value when a read began */
  private counter = 0;
  /** per root account: the counter at its last invalidation */
  private readonly changedAt = new Map<number, number>();
  /** the counter at the last invalidation of everything */
  private allChangedAt = 0;

  constructor(bus: InvalidationBus, ttlMs: number, options: { maxEntries?: number; maxTotalChars?: number; clock?: () => number } = {}) {
    this.kept = new TtlCache(ttlMs, options.maxEntries ?? 10_000, options.clock, {
      max: options.maxTotalChars ?? MAX_TOTAL_CHARS,
      weigh: (k) => k.answer.body.length + k.answer.link.length,
    });
    bus.subscribe((topic, key) => {
      if (topic === 'media' || topic === 'account') this.accountChanged(Number(key));
      else if (topic === 'user') this.everythingChanged();
    });
  }

  /** The state a listing is read from: take it before reading, give it to `set`. */
  stamp(): number {
    return this.counter;
  }

  /** The kept answer, unless something it shows changed after it was read. */
  get(accountId: number, key: string): ListingAnswer | undefined {
    const k = this.kept.get(key);
    if (!k) return undefined;
    if (k.accountId !== accountId || !this.fresh(accountId, k.stamp)) {
      this.kept.delete(key);
      return undefined;
    }
    return k.answer;
  }

  /** Keeps an answer read at `stamp`, unless a change landed since. */
  set(accountId: number, key: string, stamp: number, answer: ListingAnswer): void {
    if (this.fresh(accountId, stamp)) this.kept.set(key, { accountId, stamp, answer });
  }

  private fresh(accountId: number, stamp: number): boolean {
    return stamp >= this.allChangedAt && stamp >= (this.changedAt.get(accountId) ?? 0);
  }

  private accountChanged(accountId: number): void {
    if (!Number.isSafeInteger(accountId)) return this.everythingChanged();
    this.changedAt.set(accountId, ++this.counter);
  }

  private everythingChanged(): void {
    this.allChangedAt = ++this.counter;
    this.changedAt.clear();
    this.kept.clear();
  }
}
