/** Kaltura entry ids and Canvas context codes as the media API reads them. Pure. */

/** Kaltura's entry id form: a digit, `_`, eight letters or digits. */
export const ENTRY_ID_RE = /^\d_[a-z0-9]{8}$/i;

/** True when `id` has Kaltura's entry id form. */
export function isEntryId(id: unknown): id is string {
  return typeof id === 'string' && ENTRY_ID_RE.test(id);
}

/** A context code split into its type and id (`course_12` → course, 12). */
export interface ContextCode {
  type: string;
  id: string;
}

const CONTEXT_RE = /^([a-z][a-z_]{0,40}?)_(\d{1,15}|self)$/;

/** Parses `user_3`, `course_12`, `group_5`, `account_1`, `user_self` …; null for anything else. */
export function parseContextCode(code: string): ContextCode | null {
  const m = CONTEXT_RE.exec(code);
  if (!m || (m[2] === 'self' && m[1] !== 'user')) return null;
  return { type: m[1]!, id: m[2]! };
}

/** The longest title kept; longer ones are cut (Canvas's string column limit). */
export const MAX_TITLE_LENGTH = 255;

/** Cuts a title at 255 characters (code points, so no surrogate half is left). */
export function cutTitle(title: string): string {
  const chars = Array.from(title);
  return chars.length > MAX_TITLE_LENGTH ? chars.slice(0, MAX_TITLE_LENGTH).join('') : title;
}

/** Canvas's guaranteed title: the user's title, else Kaltura's, else "Untitled". */
export function guaranteedTitle(userEnteredTitle: string | null, title: string | null): string {
  if (userEnteredTitle && userEnteredTitle.trim() !== '') return userEnteredTitle;
  if (title && title.trim() !== '') return title;
  return 'Untitled';
}
