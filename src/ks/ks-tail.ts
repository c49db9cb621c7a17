/** The only part of a KS that may be logged (Kaltura's advice: at most the last 6 characters). */

/**
 * The last 6 characters of a KS (the whole string if shorter), for logs and audit records.
 * @example ksTail('djJ8MTIzNHzABCDEF') // 'ABCDEF'
 */
export function ksTail(ks: string): string {
  return typeof ks === 'string' ? ks.slice(-6) : '';
}
