/**
 * Group commit: items added while a write is in flight (or in the same turn of the event loop)
 * are written together by the next write, so a database round trip and a commit serve many
 * callers. Each caller's promise settles with its batch: resolved once the batch's write has
 * committed, rejected with the error if it failed.
 *
 * The write starts at the end of the turn (src/event-loop/turn-batch.ts): after the turn's
 * requests, or, for items added by the end-of-turn work itself (the fast lane's sessions), in the
 * same turn once that work's callbacks have run.
 */
import { turnEnd } from '../event-loop/turn-batch.js';

/** Writes one batch in one transaction; its items must all be committed when it resolves. */
export type BatchWriter<T> = (batch: readonly T[]) => Promise<void>;

export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing = false;

  /** `maxBatch`: the most items one write takes (the rest wait for the next). */
  constructor(
    private readonly write: BatchWriter<T>,
    private readonly maxBatch: number,
  ) {}

  /** Queues `item`; resolves once the write that took it has committed. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        turnEnd.add(this.startFlush);
      }
    });
  }

  private readonly startFlush = (): void => void this.flush();

  /** Writes the queued items a batch at a time (one write in flight), until none are left. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err ?? new Error('batch write failed'));
      }
    }
    this.flushing = false;
  }
}

