/**
 * A process's memory once garbage is gone and V8 has handed back what it keeps only for speed,
 * for leak checks that must mean the same on every Node line.
 *
 * Why not RSS after a plain `gc()`: after a full GC the young generation is empty, but V8 keeps
 * its pages committed, and how many it keeps depends on the Node line and the machine. With 4 GiB
 * of heap limit V8 lets the young generation grow to 32 MiB on Node 20 and 22, 64 MiB on Node 26
 * and 128 MiB on Node 24 (16/32/64 MiB semi-spaces). Under a burst of requests it grows to that
 * cap and stays there, so on Node 24 the fuzz test's RSS grew by ~60 MiB (185 → 251 MiB) while
 * the live heap stayed flat (36.5 → 37.4 MB) — sizing, not a leak. A memory-reducing GC (V8's
 * "last resort" flavour, what it runs itself under memory pressure) releases those pages on
 * Node 22 and later; Node 20's V8 ignores the flavour, so what the empty young generation still
 * holds is subtracted. Everything else in RSS — old space, code, native memory such as SQLite's
 * or OpenSSL's — still counts, so a native leak still shows.
 */
import { getHeapSpaceStatistics } from 'node:v8';

/** Memory after a memory-reducing full GC; `settledRss` is RSS without the (empty) young generation's committed pages. */
export interface SettledMemory {
  rss: number;
  heapUsed: number;
  youngGenerationCommitted: number;
  settledRss: number;
}

type GcOptions = { type?: 'major' | 'minor'; execution?: 'sync' | 'async'; flavor?: 'regular' | 'last-resort' };

/** Collects all garbage (needs `--expose-gc`), lets V8 shrink its young generation, and measures. */
export function settledMemory(): SettledMemory {
  const gc = (globalThis as { gc?: (options?: GcOptions) => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  // plain full GCs first: on Node 20 an options-object GC does not free what the caller's stack held
  gc();
  gc();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const young = getHeapSpaceStatistics()
    .filter((s) => s.space_name === 'new_space' || s.space_name === 'new_large_object_space')
    .reduce((sum, s) => sum + s.physical_space_size, 0);
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, youngGenerationCommitted: young, settledRss: rss - young };
}
