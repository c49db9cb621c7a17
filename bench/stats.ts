/** Statistics over benchmark rounds: pure functions, no I/O. */

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `value / reference`, NaN when the reference is not positive. */
export function ratio(value: number, reference: number): number {
  return reference > 0 ? value / reference : Number.NaN;
}

/** Requests per second as a whole number with thousands separators. */
export function formatRps(rps: number): string {
  return Number.isFinite(rps) ? Math.round(rps).toLocaleString('en-US') : 'n/a';
}

/** Milliseconds with two decimals. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(2) : 'n/a';
}

/** A ratio with two decimals. */
export function formatRatio(r: number): string {
  return Number.isFinite(r) ? r.toFixed(2) : 'n/a';
}

/** Mebibytes with one decimal. */
export function formatMiB(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
