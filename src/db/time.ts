/** Times are stored as ISO-8601 UTC text so both databases compare and return them alike. */

/** Now as stored. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/**
 * `(ms) => new Date(ms).toISOString()` that remembers its last answer: under load many rows
 * share a millisecond (or a second). One per call site, so two kinds of time do not take turns.
 */
export function isoMemo(): (ms: number) => string {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
}

/** Booleans are stored as 0/1. */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}
