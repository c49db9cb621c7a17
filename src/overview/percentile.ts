/**
 * Percentiles with linear interpolation between the closest ranks, the definition PostgreSQL's
 * `percentile_cont` uses, so SQLite (computed here from ordered rows) and PostgreSQL (computed
 * in the database) answer the same. Pure.
 */

/** The `p` (0–1) percentile of ascending `sorted` values, or null when there are none. */
export function percentileCont(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}
