/** Times are stored as ISO-8601 UTC text so both databases compare and return them alike. */

/** Now as stored. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/** Booleans are stored as 0/1. */
export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}
