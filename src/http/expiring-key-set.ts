/**
 * A bounded set of keys that each expire a fixed time after they were last added: the
 * in-process "has this client failed recently?" answer that lets the failed-authentication
 * limiter skip its store for everyone else. Pure logic; the caller passes the time.
 */
export class ExpiringKeySet {
  // key → expiry (ms); insertion order is last-added order, so expiries ascend along it
  private readonly expiries = new Map<string, number>();

  /** `ttlMs`: how long a key stays after its last `add`; `maxSize`: the oldest key goes first once full. */
  constructor(
    private readonly ttlMs: number,
    private readonly maxSize: number,
  ) {}

  /** Adds `key` (or renews it) until `now + ttlMs`. */
  add(key: string, now: number): void {
    this.expiries.delete(key);
    this.dropExpired(now);
    if (this.expiries.size >= this.maxSize) {
      const oldest = this.expiries.keys().next();
      if (!oldest.done) this.expiries.delete(oldest.value);
    }
    this.expiries.set(key, now + this.ttlMs);
  }

  /** True while `key` was added less than `ttlMs` before `now` (and has not been pushed out). */
  has(key: string, now: number): boolean {
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > now) return true;
    this.expiries.delete(key);
    return false;
  }

  /** How many keys are held (expired ones included until they are swept). */
  get size(): number {
    return this.expiries.size;
  }

  private dropExpired(now: number): void {
    for (const [key, expiry] of this.expiries) {
      if (expiry > now) return;
      this.expiries.delete(key);
    }
  }
}
