/** Users and logins: lists the account's users with their login and SIS id (paginated) and adds users with a login. */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';
import { relativeUrl, renderPager } from './pager.js';

const profile = startPage();
const listStatus = byId('users-status');
const tbody = byId('users-table').querySelector('tbody');

async function loadUsers(path = '/api/v1/accounts/self/users', query = { per_page: 25 }) {
  announce(listStatus, 'Loading users…');
  try {
    const { data, headers } = await api('GET', path, { query });
    tbody.replaceChildren(
      ...data.map((u) =>
        h('tr', {},
          h('td', {}, String(u.id)),
          h('td', {}, u.name),
          h('td', {}, u.login_id ?? '—'),
          h('td', {}, u.sis_user_id ?? '—'),
          h('td', {}, when(u.created_at)),
          h('td', {}, h('a', { href: `/admin/tokens?user_id=${encodeURIComponent(u.id)}`, attrs: { 'aria-label': `Tokens of ${u.name}` } }, 'Tokens')),
        ),
      ),
    );
    announce(listStatus, data.length === 0 ? 'No users found.' : `${data.length} user${data.length === 1 ? '' : 's'} shown.`);
    renderPager(byId('users-pager'), headers.get('link'), (link) => {
      const next = relativeUrl(link);
      loadUsers(next.path, next.query);
    });
  } catch (err) {
    if (!(err instanceof SignedOut)) announce(listStatus, err.message, 'error');
  }
}

const form = byId('user-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const status = byId('user-status');
  const body = {
    user: { name: byId('user-name').value.trim() },
    pseudonym: { unique_id: byId('user-login').value.trim(), ...(byId('user-sis').value.trim() ? { sis_user_id: byId('user-sis').value.trim() } : {}) },
  };
  try {
    const { data } = await api('POST', '/api/v1/accounts/self/users', { body });
    form.reset();
    announce(status, `Added ${data.name} (user ${data.id}, login ${data.login_id}).`, 'ok');
    loadUsers();
  } catch (err) {
    if (err instanceof SignedOut) return;
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, `Not added: ${err instanceof ApiError && err.fieldErrors.length > unmatched.length && unmatched.length === 0 ? 'see the fields above.' : err.message}`, 'error');
  }
});

byId('refresh-users').addEventListener('click', () => loadUsers());

if (profile) loadUsers();
