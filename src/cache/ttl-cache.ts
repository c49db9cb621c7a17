/**
 * A small in-process cache whose entries expire after a fixed time: it bounds how long a change
 * made by another process (the CLI, another instance) can go unseen.
 */

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Map with per-entry expiry and a size cap (oldest entries go first). */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  /** Loads running, by key ({@link load}). */
  private readonly loading = new Map<K, Promise<V>>();
  /** Counts invalidations: a load that started before one does not keep its value. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.clock() + this.ttlMs });
  }

  /**
   * After a miss: the value `loader` finds for `key`, kept for the TTL. Misses of a key while its
   * load runs wait for that load instead of starting their own: when a busy key expires, the
   * requests in flight for it make one database query, not one each. A failed load fails every
   * caller waiting for it, and is not kept. With a TTL of 0 (no cache) every call loads.
   */
  load(key: K, loader: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return loader();
    const running = this.loading.get(key);
    if (running) return running;
    const generation = this.generation;
    let started: Promise<V>;
    try {
      started = loader();
    } catch (err) {
      return Promise.reject(err);
    }
    const done = started.then(
      (value) => {
        if (this.loading.get(key) === done) this.loading.delete(key);
        // an invalidation meanwhile: the value may predate it, so it is returned but not kept
        if (generation === this.generation) this.set(key, value);
        return value;
      },
      (err: unknown) => {
        if (this.loading.get(key) === done) this.loading.delete(key);
        throw err;
      },
    );
    this.loading.set(key, done);
    return done;
  }

  delete(key: K): void {
    this.entries.delete(key);
    this.invalidateLoads();
  }

  /** Drops every entry whose value matches. */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (predicate(e.value, k)) this.entries.delete(k);
    this.invalidateLoads();
  }

  clear(): void {
    this.entries.clear();
    this.invalidateLoads();
  }

  /** Loads running now may have read what was just invalidated: later misses start new ones. */
  private invalidateLoads(): void {
    this.generation++;
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
