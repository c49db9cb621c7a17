/** How long the cluster primary waits before replacing a crashed worker: pure arithmetic. */

/** Workers that lived at least this long reset the crash count (ms). */
export const STABLE_AFTER_MS = 10_000;

/** Delay before restart number `crashes` (1-based) in a row: 250 ms doubling, capped at 30 s. */
export function restartDelay(crashes: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, Math.min(crashes - 1, 10)));
}
