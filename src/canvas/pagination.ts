/**
 * Canvas's page parameters: `page` (from 1) and `per_page` (default 10, at most 100; larger
 * values are lowered to the maximum as Canvas does). Pure.
 */

/** A validated page request. */
export interface PageRequest {
  page: number;
  perPage: number;
  offset: number;
}

export type PageParse = { ok: true; value: PageRequest } | { ok: false; field: 'page' | 'per_page'; message: string };

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;
/** Beyond this a page number is surely a mistake (and would overflow offsets). */
export const MAX_PAGE = 1_000_000;

function positiveInt(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\s*\+?\d{1,9}\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return n >= 1 ? n : undefined;
}

/**
 * Reads `page` and `per_page` (absent or blank → defaults).
 * @example parsePagination({ page: '2', per_page: '500' }) // → { ok: true, value: { page: 2, perPage: 100, offset: 100 } }
 */
export function parsePagination(params: { page?: unknown; per_page?: unknown }, defaultPerPage = DEFAULT_PER_PAGE, maxPerPage = MAX_PER_PAGE): PageParse {
  const blank = (v: unknown) => v === undefined || v === null || v === '';
  let perPage = defaultPerPage;
  if (!blank(params.per_page)) {
    const n = positiveInt(params.per_page);
    if (n === undefined) return { ok: false, field: 'per_page', message: `per_page must be a whole number from 1 to ${maxPerPage}` };
    perPage = Math.min(n, maxPerPage);
  }
  let page = 1;
  if (!blank(params.page)) {
    const n = positiveInt(params.page);
    if (n === undefined || n > MAX_PAGE) return { ok: false, field: 'page', message: `page must be a whole number from 1 to ${MAX_PAGE}` };
    page = n;
  }
  return { ok: true, value: { page, perPage, offset: (page - 1) * perPage } };
}
