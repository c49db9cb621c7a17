/**
 * Access tokens of a user (yourself by default): lists them by hint, creates one (shown once,
 * to copy) and revokes them. Revoking the token this console signed in with ends the session.
 */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, isoFromLocal, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';

const profile = startPage();
const listStatus = byId('tokens-status');
const tbody = byId('tokens-table').querySelector('tbody');
const ownerInput = byId('owner');
const requested = new URLSearchParams(location.search).get('user_id');
if (requested && /^(\d+|self)$/.test(requested)) ownerInput.value = requested;

function owner() {
  const value = ownerInput.value.trim();
  return value === '' ? 'self' : value;
}

async function loadTokens() {
  const who = owner();
  byId('owner-label').textContent = who === 'self' || Number(who) === profile?.userId ? 'you' : `user ${who}`;
  announce(listStatus, 'Loading tokens…');
  try {
    const { data } = await api('GET', `/api/v1/users/${encodeURIComponent(who)}/tokens`, { query: { per_page: 100 } });
    tbody.replaceChildren(...data.map(row));
    announce(listStatus, data.length === 0 ? 'No tokens.' : `${data.length} token${data.length === 1 ? '' : 's'}.`);
  } catch (err) {
    if (!(err instanceof SignedOut)) announce(listStatus, err.message, 'error');
  }
}

function row(token) {
  const label = token.purpose || `token ${token.token_hint ?? token.id}`;
  return h('tr', { attrs: { 'data-token-id': token.id } },
    h('td', {}, token.purpose || '—'),
    h('td', {}, h('code', {}, token.token_hint ?? '')),
    h('td', {}, when(token.created_at)),
    h('td', {}, token.expires_at ? when(token.expires_at) : 'never'),
    h('td', {}, when(token.last_used_at)),
    h('td', {}, Array.isArray(token.scopes) && token.scopes.length ? token.scopes.join(', ') : 'any'),
    h('td', {}, h('button', { type: 'button', className: 'danger', attrs: { 'aria-label': `Revoke ${label}` }, on: { click: () => revoke(token, label) } }, 'Revoke')),
  );
}

async function revoke(token, label) {
  if (!window.confirm(`Revoke ${label}? Programs using it will stop working.`)) return;
  try {
    await api('DELETE', `/api/v1/users/${encodeURIComponent(owner())}/tokens/${encodeURIComponent(token.id)}`);
    await loadTokens();
    announce(listStatus, `Revoked ${label}.`, 'ok');
  } catch (err) {
    if (!(err instanceof SignedOut)) announce(listStatus, `Not revoked: ${err.message}`, 'error');
  }
}

const form = byId('token-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const status = byId('token-status');
  const scopes = byId('token-scopes').value.split('\n').map((s) => s.trim()).filter(Boolean);
  const token = { purpose: byId('token-purpose').value.trim() };
  const expires = isoFromLocal(byId('token-expires').value);
  if (expires) token.expires_at = expires;
  if (scopes.length) token.scopes = scopes;
  try {
    const { data } = await api('POST', `/api/v1/users/${encodeURIComponent(owner())}/tokens`, { body: { token } });
    form.reset();
    byId('new-token-value').value = data.visible_token ?? '';
    byId('new-token').hidden = false;
    byId('new-token-value').focus();
    byId('new-token-value').select();
    announce(status, 'Token created.', 'ok');
    loadTokens();
  } catch (err) {
    if (err instanceof SignedOut) return;
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, `Not created: ${unmatched.length ? unmatched.map((e) => e.message).join(' ') : err.message}`, 'error');
  }
});

byId('copy-token').addEventListener('click', async () => {
  const value = byId('new-token-value').value;
  try {
    await navigator.clipboard.writeText(value);
    announce(byId('token-status'), 'Copied to the clipboard.', 'ok');
  } catch {
    byId('new-token-value').select();
    announce(byId('token-status'), 'Select the token and copy it (Ctrl+C).');
  }
});
byId('dismiss-token').addEventListener('click', () => {
  byId('new-token-value').value = '';
  byId('new-token').hidden = true;
  byId('token-purpose').focus();
});

byId('owner-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadTokens();
});

if (profile) loadTokens();
