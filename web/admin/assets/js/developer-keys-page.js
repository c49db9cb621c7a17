/** Developer keys of this account: list, create, edit (name, scopes, require scopes) and delete. */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors } from './dom.js';
import { startPage } from './layout.js';

const profile = startPage();
const form = byId('key-form');
const listStatus = byId('keys-status');
const tbody = byId('keys-table').querySelector('tbody');

function editing(key) {
  clearFieldErrors(form);
  byId('key-id').value = key ? String(key.id) : '';
  byId('key-name').value = key?.name ?? '';
  byId('key-scopes').value = (key?.scopes ?? []).join('\n');
  byId('key-require-scopes').checked = key?.require_scopes === true;
  byId('save-key').textContent = key ? `Save key ${key.id}` : 'Create key';
  byId('key-form-heading').textContent = key ? `Edit developer key ${key.id}` : 'New developer key';
  byId('cancel-edit').hidden = !key;
  if (key) byId('key-name').focus();
}

async function loadKeys() {
  announce(listStatus, 'Loading keys…');
  try {
    const { data } = await api('GET', '/api/v1/accounts/self/developer_keys', { query: { per_page: 100 } });
    tbody.replaceChildren(
      ...data.map((key) =>
        h('tr', {},
          h('td', {}, String(key.id)),
          h('td', {}, key.name ?? '—'),
          h('td', {}, (key.scopes ?? []).length ? key.scopes.join(', ') : '—'),
          h('td', {}, key.require_scopes ? 'yes' : 'no'),
          h('td', {}, key.workflow_state ?? ''),
          h('td', {},
            h('button', { type: 'button', className: 'secondary', attrs: { 'aria-label': `Edit key ${key.name ?? key.id}` }, on: { click: () => editing(key) } }, 'Edit'),
            ' ',
            h('button', { type: 'button', className: 'danger', attrs: { 'aria-label': `Delete key ${key.name ?? key.id}` }, on: { click: () => remove(key) } }, 'Delete'),
          ),
        ),
      ),
    );
    announce(listStatus, data.length === 0 ? 'No developer keys.' : `${data.length} key${data.length === 1 ? '' : 's'}.`);
  } catch (err) {
    if (!(err instanceof SignedOut)) announce(listStatus, err.message, 'error');
  }
}

async function remove(key) {
  if (!window.confirm(`Delete developer key ${key.name ?? key.id}? Its tokens stop working.`)) return;
  try {
    await api('DELETE', `/api/v1/developer_keys/${encodeURIComponent(key.id)}`);
    await loadKeys();
    announce(listStatus, `Deleted key ${key.name ?? key.id}.`, 'ok');
  } catch (err) {
    if (!(err instanceof SignedOut)) announce(listStatus, `Not deleted: ${err.message}`, 'error');
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const status = byId('key-status');
  const id = byId('key-id').value;
  const developer_key = {
    name: byId('key-name').value.trim(),
    scopes: byId('key-scopes').value.split('\n').map((s) => s.trim()).filter(Boolean),
    require_scopes: byId('key-require-scopes').checked,
  };
  try {
    const { data } = id
      ? await api('PUT', `/api/v1/developer_keys/${encodeURIComponent(id)}`, { body: { developer_key } })
      : await api('POST', '/api/v1/accounts/self/developer_keys', { body: { developer_key } });
    editing(null);
    announce(status, `${id ? 'Saved' : 'Created'} key ${data.name ?? data.id}.`, 'ok');
    loadKeys();
  } catch (err) {
    if (err instanceof SignedOut) return;
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, `Not saved: ${unmatched.length ? unmatched.map((e) => e.message).join(' ') : err.message}`, 'error');
  }
});
byId('cancel-edit').addEventListener('click', () => editing(null));

if (profile) loadKeys();
