/**
 * Canvas's pagination `Link` header: absolute URLs for rel="current", "next", "prev", "first"
 * and "last", joined by commas, each with the request's other query parameters (sorted, as Rails
 * `to_query` writes them) followed by `page=…&per_page=…`. Pure.
 */

/** Parameters Canvas leaves out of pagination links. */
const EXCLUDED = new Set(['page', 'per_page', 'access_token', 'api_key']);

export interface LinkHeaderInput {
  /** scheme, host and path, no query string: `https://canvas.example.edu/api/v1/accounts/1/users` */
  baseUrl: string;
  /** the request's query parameters */
  query: Record<string, unknown>;
  page: number;
  perPage: number;
  /** how many items exist in all */
  total: number;
}

/** Rails CGI.escape: like encodeURIComponent, but `+` for spaces and `!'()*` escaped too. */
function cgiEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The query string Rails' `to_query` would write (keys sorted, arrays as `key[]`). */
export function toQuery(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    if (EXCLUDED.has(key)) continue;
    const value = query[key];
    if (Array.isArray(value)) {
      for (const v of value) parts.push(`${cgiEscape(`${key}[]`)}=${cgiEscape(String(v))}`);
    } else if (value !== undefined && value !== null && typeof value !== 'object') {
      parts.push(`${cgiEscape(key)}=${cgiEscape(String(value))}`);
    }
  }
  return parts.join('&');
}

/** The number of the last page (1 when there is nothing, as will_paginate says). */
export function lastPage(total: number, perPage: number): number {
  return total <= 0 ? 1 : Math.ceil(total / perPage);
}

/**
 * Builds the header value.
 * @example linkHeader({ baseUrl: 'http://h/api/v1/x', query: {}, page: 1, perPage: 10, total: 25 })
 * // → '<http://h/api/v1/x?page=1&per_page=10>; rel="current",<http://h/api/v1/x?page=2&per_page=10>; rel="next",<http://h/api/v1/x?page=1&per_page=10>; rel="first",<http://h/api/v1/x?page=3&per_page=10>; rel="last"'
 */
export function linkHeader(input: LinkHeaderInput): string {
  const qs = toQuery(input.query);
  const prefix = `${input.baseUrl}?${qs === '' ? '' : `${qs}&`}`;
  const last = lastPage(input.total, input.perPage);
  const rels: Array<[string, number | null]> = [
    ['current', input.page],
    ['next', input.page < last ? input.page + 1 : null],
    ['prev', input.page > 1 ? input.page - 1 : null],
    ['first', 1],
    ['last', last],
  ];
  return rels
    .filter((r): r is [string, number] => r[1] !== null)
    .map(([rel, page]) => `<${prefix}page=${page}&per_page=${input.perPage}>; rel="${rel}"`)
    .join(',');
}
