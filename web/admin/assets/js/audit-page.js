/**
 * The Kaltura session audit log of this account, filtered by user, time and mode, a page at a
 * time (Canvas's Link headers). Filters are kept in the page's address so a view can be shared.
 */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, isoFromLocal, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';
import { relativeUrl, renderPager } from './pager.js';

const profile = startPage();
const form = byId('audit-filters');
const status = byId('audit-status');
const table = byId('audit-table');
const PATH = '/api/v1/accounts/self/kaltura_sessions';

function filters() {
  return {
    user_id: byId('f-user').value.trim(),
    since: isoFromLocal(byId('f-since').value),
    until: isoFromLocal(byId('f-until').value),
    mode: byId('f-mode').value,
    per_page: byId('f-per-page').value,
  };
}

function cell(key, value) {
  if (value === null || value === undefined || value === '') return h('td', {}, '—');
  if (/_at$|^at$|time/.test(key) && typeof value === 'string') return h('td', {}, when(value));
  if (typeof value === 'object') return h('td', {}, h('code', {}, JSON.stringify(value)));
  return h('td', {}, String(value));
}

async function load(query = filters()) {
  clearFieldErrors(form);
  announce(status, 'Loading…');
  try {
    const { data, headers } = await api('GET', PATH, { query });
    const rows = Array.isArray(data) ? data : [];
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    table.querySelector('thead tr').replaceChildren(...columns.map((c) => h('th', { scope: 'col' }, c)));
    table.querySelector('tbody').replaceChildren(...rows.map((r) => h('tr', {}, columns.map((c) => cell(c, r[c])))));
    announce(status, rows.length === 0 ? 'No sessions match these filters.' : `${rows.length} session${rows.length === 1 ? '' : 's'} shown.`);
    renderPager(byId('audit-pager'), headers.get('link'), (link) => {
      const next = relativeUrl(link);
      load(next.query);
    });
    const shown = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined));
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
  if (initial.get('user_id')) byId('f-user').value = initial.get('user_id');
  if (initial.get('mode')) byId('f-mode').value = initial.get('mode');
  load({ ...filters(), ...Object.fromEntries(initial) });
}
