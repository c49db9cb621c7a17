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
      this.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: K, value: V): void {
    if (this.ttlMs <= 0) return;
    const weight = this.weightLimit ? this.weightLimit.weigh(value) : 0;
    if (this.weightLimit && weight > this.weightLimit.max) return;
    this.delete(key);
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || (this.weightLimit && this.weight + weight > this.weightLimit.max))) {
      this.delete(this.entries.keys().next().value as K);
    }
    this.entries.set(key, { value, expiresAt: this.clock() + this.ttlMs, weight });
    this.weight += weight;
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.weight -= e.weight;
  }

  /** Drops every entry whose value matches. */
  deleteWhere(predicate: (value: V, key: K) => boolean): void {
    for (const [k, e] of this.entries) if (predicate(e.value, k)) this.delete(k);
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The sum of the entries' weights (0 without a weight limit). */
  get totalWeight(): number {
    return this.weight;
  }
}
