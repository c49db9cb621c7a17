/** Durations for people: "2 hours 5 minutes", "in 59 minutes", "3 days ago". Pure. */

const UNITS = [
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** A duration in seconds as its two largest units, e.g. "1 hour 30 minutes". */
export function humanDuration(totalSeconds) {
  let left = Math.max(0, Math.round(Math.abs(totalSeconds)));
  const parts = [];
  for (const [name, size] of UNITS) {
    const n = Math.floor(left / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    if (n > 0) left -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' ') : '0 seconds';
}

/** "in 5 minutes" for a positive number of seconds, "5 minutes ago" for a negative one. */
export function relativeDuration(seconds) {
  return seconds > 0 ? `in ${humanDuration(seconds)}` : `${humanDuration(seconds)} ago`;
}
