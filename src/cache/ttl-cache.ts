/**
 * A small in-process cache whose entries expire after a fixed time: it bounds how long a change
 * made by another process (the CLI, another instance) can go unseen.
 */

interface Entry<V> {
  value: V;
  expiresAt: number;
  weight: number;
}

/** A bound on the sum of the entries' weights (e.g. bytes), besides their number. */
export interface WeightLimit<V> {
  max: number;
  weigh: (value: V) => number;
}

/** Map with per-entry expiry and a size cap (oldest entries go first). */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private weight = 0;
  /** Loads running, by key ({@link load}). */
  private readonly loading = new Map<K, Promise<V>>();
  /** Counts invalidations: a load that started before one does not keep its value. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly clock: () => number = Date.now,
    private readonly weightLimit?: WeightLimit<V>,
  ) {}

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock()) {
      this.remove(key);
      return undefined;
    }
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    const weight = this.weightLimit ? this.weightLimit.weigh(value) : 0;
    if (this.weightLimit && weight > this.weightLimit.max) return;
    this.remove(key);
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || (this.weightLimit && this.weight + weight > this.weightLimit.max))) {
      this.remove(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt: this.clock() + this.ttlMs, weight });
    this.weight += weight;
  }

  /**
   * The cached value of `key`, else the one `loader` finds, kept for the TTL. Misses of a key
   * while its load runs wait for that load instead of starting their own: when a busy key
   * expires, the requests in flight for it make one database query, not one each. A failed load
   * fails every caller waiting for it, and is not kept. With a TTL of 0 (no cache) every call loads.
   */
  load(key: K, loader: () => Promise<V>): Promise<V> {
    if (this.ttlMs <= 0) return loader();
    const cached = this.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
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

  /** Drops `key` (an invalidation: a load running for it is not kept either). */
  delete(key: K): void {
    this.remove(key);
    this.invalidateLoads();
  }

  /** Drops every entry whose value matches. */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (predicate(e.value, k)) this.remove(k);
    this.invalidateLoads();
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
    this.invalidateLoads();
  }

  /** Forgets an entry (expiry, eviction, replacement: not an invalidation). */
  private remove(key: K): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.weight -= e.weight;
  }

  /** Loads running now may have read what was just invalidated: later misses start new ones. */
  private invalidateLoads(): void {
    this.generation++;
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the entries' weights (0 without a weight limit). */
  get totalWeight(): number {
    return this.weight;
  }
}
