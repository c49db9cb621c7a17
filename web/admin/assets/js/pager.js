/** Previous/next buttons over Canvas's Link-header pagination. */
import { h } from './dom.js';
import { parseLinks } from './api.js';

/** Renders the pager for a response's Link header; `go(url)` loads another page. */
export function renderPager(container, linkHeader, go) {
  const links = parseLinks(linkHeader);
  const button = (rel, text) =>
    links[rel] ? h('button', { type: 'button', className: 'secondary', on: { click: () => go(links[rel]) } }, text) : null;
  container.replaceChildren(...[button('first', 'First page'), button('prev', 'Previous page'), button('next', 'Next page')].filter(Boolean));
}

/** The path and query of an absolute Link URL, with the access token (never expected) removed. */
export function relativeUrl(link) {
  const url = new URL(link, location.origin);
  url.searchParams.delete('access_token');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}
