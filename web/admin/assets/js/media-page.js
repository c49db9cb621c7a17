/**
 * The account's media objects (GET /api/v1/accounts/self/media_objects): search by title, filter
 * by owner, sorted and a page at a time (Canvas's Link headers). Each object shows its thumbnail
 * (the service's /media_objects/:id/thumbnail, which redirects to Kaltura), its playable sources
 * and its caption tracks. Filters are kept in the page's address so a view can be shared.
 */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';
import { relativeUrl, renderPager } from './pager.js';

const profile = startPage();
const form = byId('media-filters');
const status = byId('media-status');
const tbody = byId('media-table').querySelector('tbody');
const PATH = '/api/v1/accounts/self/media_objects';
const FILTERS = { search_term: 'f-search', user_id: 'f-user', sort: 'f-sort', order: 'f-order', per_page: 'f-per-page' };

function filters() {
  return Object.fromEntries(Object.entries(FILTERS).map(([name, id]) => [name, byId(id).value.trim()]));
}

function thumbnail(o) {
  return h('img', {
    src: `/media_objects/${encodeURIComponent(o.media_id)}/thumbnail?width=128&height=72`,
    alt: `Thumbnail of ${o.title}`,
    width: 128,
    height: 72,
    loading: 'lazy',
  });
}

/** "640×360 mp4, 900 kbit/s" (audio: "mp3, 96 kbit/s"); Kaltura's bitrate, not Canvas's label (bitrate / 1024). */
function sourceLabel(s) {
  const size = Number(s.width) > 0 && Number(s.height) > 0 ? `${s.width}×${s.height} ` : '';
  const rate = Number(s.bitrate) > 0 ? `, ${Number(s.bitrate)} kbit/s` : '';
  return `${size}${s.fileExt || s.content_type}${rate}${String(s.isOriginal) === '1' ? ' (original)' : ''}`;
}

function sources(o) {
  const list = o.media_sources ?? [];
  if (list.length === 0) return h('td', {}, 'None ready yet');
  return h(
    'td',
    {},
    h('ul', {}, list.map((s) => h('li', {}, h('a', { href: s.url, rel: 'noreferrer', attrs: { 'aria-label': `${sourceLabel(s)} source of ${o.title}` } }, sourceLabel(s))))),
  );
}

function captions(o) {
  const list = o.media_tracks ?? [];
  if (list.length === 0) return h('td', {}, 'None');
  return h('td', {}, h('ul', {}, list.map((t) => h('li', {}, `${t.locale} (${t.kind})`))));
}

function row(o) {
  return h(
    'tr',
    {},
    h('td', {}, thumbnail(o)),
    h('td', {}, h('span', { className: 'media-title' }, o.title), h('br'), h('code', {}, o.media_id), ` · ${o.media_type}`),
    h('td', {}, o.user_name ? `${o.user_name} (${o.user_id})` : String(o.user_id)),
    h('td', {}, o.context_code ?? '—'),
    sources(o),
    captions(o),
    h('td', {}, when(o.created_at)),
  );
}

async function load(query = filters()) {
  clearFieldErrors(form);
  announce(status, 'Loading…');
  try {
    const { data, headers } = await api('GET', PATH, { query });
    const rows = Array.isArray(data) ? data : [];
    tbody.replaceChildren(...rows.map(row));
    announce(status, rows.length === 0 ? 'No media objects match.' : `${rows.length} media object${rows.length === 1 ? '' : 's'} shown.`);
    renderPager(byId('media-pager'), headers.get('link'), (link) => load(relativeUrl(link).query));
    const shown = new URLSearchParams(Object.entries(query).filter(([k, v]) => v !== '' && v !== undefined && k in FILTERS));
    history.replaceState(null, '', `${location.pathname}${shown.size ? `?${shown}` : ''}`);
  } catch (err) {
    if (err instanceof SignedOut) return;
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, unmatched.length || !(err instanceof ApiError) || err.fieldErrors.length === 0 ? err.message : 'Check the filters.', 'error');
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

if (profile) {
  const initial = new URLSearchParams(location.search);
  for (const [name, id] of Object.entries(FILTERS)) if (initial.get(name)) byId(id).value = initial.get(name);
  load(filters());
}
