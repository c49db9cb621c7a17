/**
 * Where app-token mode keeps widget sessions (`session.startWidgetSession`) between requests.
 * In-process for now; a shared (Redis) implementation only has to implement the interface.
 */

/** A cached widget session. */
export interface WidgetSession {
  ks: string;
  /** when to stop using it, unix ms (before the KS itself expires) */
  useUntil: number;
}

/** A small async key-value store with expiry, so a shared store can replace the in-memory one. */
export interface WidgetSessionCache {
  get(key: string): Promise<WidgetSession | undefined>;
  set(key: string, value: WidgetSession, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The in-process cache: a bounded map whose entries expire after their TTL. */
export class InMemoryWidgetSessionCache implements WidgetSessionCache {
  private readonly entries = new Map<string, { value: WidgetSession; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<WidgetSession | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async set(key: string, value: WidgetSession, ttlMs: number): Promise<void> {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** How many entries are held (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }
}
