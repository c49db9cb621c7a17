/**
 * The overview's time windows: the last 48 hours by hour, the last 30 days by day, in UTC. A
 * bucket is named by the prefix of its start in ISO-8601 (`2026-12-02T16` for an hour,
 * `2026-12-02` for a day), which is also what `substr(created_at, 1, n)` yields in SQL over the
 * stored ISO times, so both databases group alike. Pure.
 */

export const OVERVIEW_PERIODS = ['48h', '30d'] as const;
export type OverviewPeriod = (typeof OVERVIEW_PERIODS)[number];

/** A window of equal buckets ending with the one that holds `now`. */
export interface BucketWindow {
  period: OverviewPeriod;
  bucket: 'hour' | 'day';
  /** characters of an ISO time that name its bucket (13 for an hour, 10 for a day) */
  keyLength: 13 | 10;
  /** start of the first bucket (inclusive), ISO */
  from: string;
  /** end of the last bucket (exclusive), ISO */
  until: string;
  /** each bucket's key, oldest first */
  keys: string[];
  /** each bucket's start as an ISO time, oldest first */
  starts: string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The window of `period` that ends with the bucket holding `now` (ms). */
export function bucketWindow(period: OverviewPeriod, now: number): BucketWindow {
  const size = period === '48h' ? HOUR : DAY;
  const count = period === '48h' ? 48 : 30;
  const keyLength = period === '48h' ? 13 : 10;
  const lastStart = Math.floor(now / size) * size;
  const starts: string[] = [];
  for (let i = count - 1; i >= 0; i--) starts.push(new Date(lastStart - i * size).toISOString());
  return {
    period,
    bucket: period === '48h' ? 'hour' : 'day',
    keyLength,
    from: starts[0]!,
    until: new Date(lastStart + size).toISOString(),
    keys: starts.map((s) => s.slice(0, keyLength)),
    starts,
  };
}

/** Spreads `(key, value)` pairs over the window's buckets: a value per bucket, `empty` where none. */
export function alignToBuckets<T>(window: BucketWindow, pairs: Iterable<readonly [string, T]>, empty: T): T[] {
  const index = new Map(window.keys.map((k, i) => [k, i]));
  const out = window.keys.map(() => empty);
  for (const [key, value] of pairs) {
    const i = index.get(key);
    if (i !== undefined) out[i] = value;
  }
  return out;
}
