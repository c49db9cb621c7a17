/**
 * GroupCommit's batching with a real writer (it records what it was given and can fail): calls
 * made together share one write, calls made during a write go to the next one, a failed write
 * rejects each of its callers and only them.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { turnEnd } from '../event-loop/turn-batch.js';

/** A writer that records each batch and holds it until released, failing the batches named. */
function recordingWriter(fail: (batch: readonly number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const write = (batch: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push([...batch]);
      pending.push(() => (fail(batch) ? reject(new Error(`batch ${batch.join(',')} failed`)) : resolve()));
    });
  /** Lets the oldest write finish (once it has started). */
  async function release(): Promise<void> {
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    pending.shift()!();
  }
  return { batches, write, release };
}

describe('GroupCommit', () => {
  it('writes the items added in one turn in one write, and those added during it in the next', async () => {
    const w = recordingWriter();
    const gc = new GroupCommit(w.write, 100);
    const first = [1, 2, 3].map((n) => gc.add(n));
    await w.release();
    await Promise.all(first);
    const second = [4, 5].map((n) => gc.add(n));
    while (w.batches.length < 2) await new Promise((r) => setImmediate(r));
    // the second write is running: these wait for the third
    const third = [6, 7, 8].map((n) => gc.add(n));
    await w.release();
    await Promise.all(second);
    await w.release();
    await Promise.all(third);
    expect(w.batches).toEqual([[1, 2, 3], [4, 5], [6, 7, 8]]);
  });

  it('starts the write of items added by end-of-turn work in that same turn, not a turn later', async () => {
    const w = recordingWriter();
    const gc = new GroupCommit(w.write, 100);
    const added: Promise<void>[] = [];
    // as the fast lane's session POSTs do: their audit rows are queued by end-of-turn jobs
    turnEnd.add(() => added.push(gc.add(1), gc.add(2)));
    turnEnd.add(() => added.push(gc.add(3)));
    const writesSeen: number[] = [];
    // queued after the turn's jobs: runs in the same check phase, after them
    await new Promise<void>((r) =>
      setImmediate(() => {
        writesSeen.push(w.batches.length);
        r();
      }),
    );
    expect(writesSeen).toEqual([1]);
    expect(w.batches).toEqual([[1, 2, 3]]);
    await w.release();
    await Promise.all(added);
  });

  it('resolves a caller only once its write has finished', async () => {
    const w = recordingWriter();
    const gc = new GroupCommit(w.write, 100);
    let settled = false;
    const p = gc.add(1).then(() => (settled = true));
    while (w.batches.length < 1) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await w.release();
    await p;
    expect(settled).toBe(true);
  });

  it('rejects every caller of a failed write with its error, and writes the next batch', async () => {
    const w = recordingWriter((batch) => batch.includes(2));
    const gc = new GroupCommit(w.write, 100);
    const failed = [1, 2, 3].map((n) => gc.add(n));
    await w.release();
    const outcomes = await Promise.allSettled(failed);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual(['batch 1,2,3 failed', 'batch 1,2,3 failed', 'batch 1,2,3 failed']);
    const next = gc.add(4);
    await w.release();
    await expect(next).resolves.toBeUndefined();
  });

  it('takes at most maxBatch items per write', async () => {
    const w = recordingWriter();
    const gc = new GroupCommit(w.write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => gc.add(n));
    for (let i = 0; i < 3; i++) await w.release();
    await Promise.all(all);
    expect(w.batches).toEqual([[1, 2], [3, 4], [5]]);
  });
});
