/** Canvas's derived user names: `sortable_name` ("Last, First") from a full name. Pure. */

const SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv', 'v']);

/**
 * "Last, First" for a full name, as Canvas shows it in sorted lists: a name that already holds a
 * comma, or a single word, stays as it is; a trailing suffix (Jr., III …) stays with the given names.
 * @example sortableName('John Doe Jr.') === 'Doe, John Jr.'
 */
export function sortableName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.includes(',')) return trimmed;
  const words = trimmed.split(' ');
  let suffix = '';
  if (words.length > 2 && SUFFIXES.has(words[words.length - 1]!.toLowerCase())) suffix = ` ${words.pop()!}`;
  if (words.length < 2) return trimmed;
  const surname = words.pop()!;
  return `${surname}, ${words.join(' ')}${suffix}`;
}
