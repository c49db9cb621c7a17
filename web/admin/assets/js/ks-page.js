/**
 * The KS inspector: sends the pasted KS in a POST body to the service, which decodes it and
 * verifies it against the account's administrator secret, and shows what it holds. Nothing is
 * kept: not in storage, not in the address.
 */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';
import { relativeDuration } from './durations.js';

const profile = startPage();
const form = byId('ks-form');
const input = byId('ks-input');
const status = byId('ks-status');
const result = byId('ks-result');

const SIGNATURE = {
  verified: "Verified with this account's administrator secret",
  mismatch: "Does not verify with this account's administrator secret",
  other_partner: "Another partner's KS: not verified",
  no_secret: 'Not verified: this account has no administrator secret',
  not_a_ks: 'Not a KS',
};

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function show(r) {
  const verdict = byId('ks-verdict');
  verdict.className = `notice ${r.valid ? 'ok' : 'error'}`;
  verdict.textContent = r.message;
  const expiry =
    r.valid_until === null
      ? ['unknown (encrypted or absent)']
      : [when(r.expires_at), ` (${r.expired ? `expired ${relativeDuration(r.seconds_left)}` : `expires ${relativeDuration(r.seconds_left)}`})`];
  const privileges =
    r.privilege_list && r.privilege_list.length
      ? h('ul', { className: 'plain' }, r.privilege_list.map((p) => h('li', {}, h('code', {}, p.values.length ? `${p.name}:${p.values.join('/')}` : p.name))))
      : r.privileges === null
        ? 'unknown (encrypted)'
        : 'none';
  const partner = r.partner_id === null ? '—' : r.account_partner_id && r.partner_id !== r.account_partner_id ? `${r.partner_id} (this account's partner is ${r.account_partner_id})` : r.partner_id;
  byId('ks-facts').replaceChildren(
    ...fact('Valid now', r.valid ? 'yes' : `no${r.error ? ` (${r.error})` : ''}`),
    ...fact('Signature', SIGNATURE[r.signature] ?? r.signature),
    ...fact('Version', r.version === null ? '—' : `KS v${r.version}`),
    ...fact('Partner', partner),
    ...fact('User', r.user_id === null ? '—' : r.user_id === '' ? '(none)' : r.user_id),
    ...fact('Type', r.type_name ?? '—'),
    ...fact('Expiry', ...expiry),
    ...fact('Privileges', privileges),
    ...fact('KS ends with', h('code', {}, `…${r.ks_tail}`)),
  );
  result.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const ks = input.value.trim();
  if (ks === '') {
    showFieldErrors(form, [{ field: 'ks', message: 'Paste a KS to inspect.' }]);
    announce(status, 'Nothing to inspect.', 'error');
    return;
  }
  announce(status, 'Inspecting…');
  try {
    const { data } = await api('POST', '/api/v1/accounts/self/ks_inspection', { body: { ks } });
    show(data);
    announce(status, data.valid ? 'The KS is valid.' : 'The KS is not valid.', data.valid ? 'ok' : 'error');
    byId('ks-result-heading').focus();
  } catch (err) {
    if (err instanceof SignedOut) return;
    result.hidden = true;
    const unmatched = err instanceof ApiError ? showFieldErrors(form, err.fieldErrors) : [];
    announce(status, err instanceof ApiError && err.fieldErrors.length && !unmatched.length ? 'Check the KS.' : err.message, 'error');
  }
});

byId('ks-clear').addEventListener('click', () => {
  input.value = '';
  result.hidden = true;
  clearFieldErrors(form);
  announce(status, '');
  input.focus();
});

if (profile) input.focus();
