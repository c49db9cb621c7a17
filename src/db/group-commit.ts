/**
 * Group commit: items added while a write is in flight (or in the same turn of the event loop)
 * are written together by the next write, so a database round trip and a commit serve many
 * callers. Each caller's promise settles with its batch: resolved once the batch's write has
 * committed, rejected with the error if it failed.
 */

/** Writes one batch in one transaction; its items must all be committed when it resolves. */
export type BatchWriter<T> = (batch: readonly T[]) => Promise<void>;

export interface GroupCommitOptions {
  /**
   * Writes start at most this often (ms; 0, the default: as soon as the event loop turns). An
   * item added when the last write started longer ago is written at once, so a lone caller
   * waits for nothing; under load the items of the interval share one write. For a database whose
   * write is synchronous (SQLite), which cannot gather items while a write is in flight.
   */
  minIntervalMs?: number;
  /** the clock of `minIntervalMs` (ms) */
  clock?: () => number;
}

export class GroupCommit<T> {
  private queue: { item: T; done: (err?: unknown) => void }[] = [];
  private flushing = false;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private readonly minIntervalMs: number;
  private readonly clock: () => number;

  /** `maxBatch`: the most items one write takes (the rest wait for the next). */
  constructor(
    private readonly write: BatchWriter<T>,
    private readonly maxBatch: number,
    options: GroupCommitOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Queues `item`; resolves once the write that took it has committed. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, done: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.flushing) {
        this.flushing = true;
        const wait = this.minIntervalMs > 0 ? this.lastWriteAt + this.minIntervalMs - this.clock() : 0;
        if (wait >= 1) setTimeout(() => void this.flush(), wait);
        else setImmediate(() => void this.flush());
      }
    });
  }

  /** Writes the queued items a batch at a time (one write in flight), until none are left. */
  private async flush(): Promise<void> {
    if (this.minIntervalMs > 0) this.lastWriteAt = this.clock();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((b) => b.item));
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err ?? new Error('batch write failed'));
      }
    }
    this.flushing = false;
  }
}

