/**
 * The Kaltura settings page: shows the stored settings of this account or the site-wide ones
 * (secrets write-only), saves them with Canvas's validation (errors beside each field) and shows
 * what the connectivity check answered.
 */
import { api, ApiError, SignedOut } from './api.js';
import { announce, byId, clearFieldErrors, h, showFieldErrors, when } from './dom.js';
import { startPage } from './layout.js';
import { isChecked, SETTINGS_GROUPS } from './settings-fields.js';

const profile = startPage();
const form = byId('settings-form');
const status = byId('settings-status');
const checkBox = byId('check-result');
let level = 'account';

function settingsPath() {
  return level === 'site' ? '/api/v1/kaltura_settings' : '/api/v1/accounts/self/kaltura_settings';
}

function control(field) {
  const id = `s-${field.key}`;
  const described = [`${id}-error`, field.hint || field.type === 'secret' ? `${id}-hint` : null].filter(Boolean).join(' ');
  let input;
  if (field.type === 'select') {
    input = h('select', { id, name: field.key, attrs: { 'aria-describedby': described } }, field.options.map(([value, text]) => h('option', { value }, text)));
  } else if (field.type === 'checkbox') {
    input = h('input', { type: 'checkbox', id, name: field.key, attrs: { 'aria-describedby': described } });
  } else {
    input = h('input', {
      type: field.type === 'secret' ? 'password' : 'text',
      id,
      name: field.key,
      autocomplete: field.type === 'secret' ? 'new-password' : 'off',
      spellcheck: false,
      attrs: { 'aria-describedby': described },
    });
  }
  const hint = field.type === 'secret' ? h('p', { id: `${id}-hint`, className: 'hint' }) : field.hint ? h('p', { id: `${id}-hint`, className: 'hint' }, field.hint) : null;
  return h(
    'div',
    { className: field.type === 'checkbox' ? 'field checkbox' : 'field' },
    h('label', { htmlFor: id }, field.label),
    h('div', { className: 'control' }, input, hint, h('p', { id: `${id}-error`, className: 'field-error' })),
  );
}

function buildForm() {
  const groups = byId('settings-groups');
  groups.replaceChildren(
    h('div', { className: 'field' },
      h('label', { htmlFor: 's-enabled' }, 'Kaltura'),
      h('div', { className: 'control' },
        h('select', { id: 's-enabled', name: 'enabled', attrs: { 'aria-describedby': 's-enabled-hint s-enabled-error' } },
          h('option', { value: '' }, level === 'site' ? 'Not set' : 'As set site-wide'),
          h('option', { value: 'true' }, 'Enabled'),
          h('option', { value: 'false' }, 'Disabled')),
        h('p', { id: 's-enabled-hint', className: 'hint' }),
        h('p', { id: 's-enabled-error', className: 'field-error' }))),
    ...SETTINGS_GROUPS.map((group) =>
      h('fieldset', {}, h('legend', {}, group.title), group.intro ? h('p', { className: 'intro' }, group.intro) : null, group.fields.map(control)),
    ),
  );
}

function fill(shown) {
  const values = shown.settings ?? {};
  for (const group of SETTINGS_GROUPS) {
    for (const field of group.fields) {
      const input = byId(`s-${field.key}`);
      const value = values[field.key];
      if (field.type === 'checkbox') input.checked = isChecked(value);
      else if (field.type === 'secret') {
        input.value = '';
        byId(`s-${field.key}-hint`).textContent = value !== undefined ? 'A secret is stored and not shown. Leave blank to keep it; type a new one to replace it.' : 'No secret stored.';
      } else input.value = value === undefined || value === null ? '' : String(value);
    }
  }
  byId('s-enabled').value = shown.enabled === true ? 'true' : shown.enabled === false ? 'false' : '';
  byId('s-enabled-hint').textContent = shown.updated_at
    ? ''
    : level === 'site'
      ? 'Nothing stored at this level yet. The first save enables Kaltura unless you choose Disabled.'
      : 'Nothing stored at this level yet. The first save enables Kaltura for this account, unless the site-wide settings disable it or you choose Disabled.';
  byId('settings-summary').textContent =
    `${level === 'site' ? 'Site-wide settings' : `Settings of account ${shown.account_id ?? profile?.accountId ?? ''}`}; last changed ${when(shown.updated_at)}.`;
}

/** The PUT body: every field, as Canvas's form submits them, plus the switch and the check flags. */
function collect() {
  const settings = {};
  for (const group of SETTINGS_GROUPS) {
    for (const field of group.fields) {
      const input = byId(`s-${field.key}`);
      settings[field.key] = field.type === 'checkbox' ? (input.checked ? field.on : field.off) : input.value;
    }
  }
  const body = { settings, check: byId('check').checked, force: byId('force').checked };
  const enabled = byId('s-enabled').value;
  if (enabled !== '') body.enabled = enabled === 'true';
  return body;
}

function showCheck(check) {
  if (!check) {
    checkBox.hidden = true;
    return;
  }
  checkBox.hidden = false;
  checkBox.className = `notice ${check.ok ? 'ok' : 'error'}`;
  checkBox.replaceChildren(
    h('p', {}, h('strong', {}, check.ok ? 'Connectivity check passed.' : 'Connectivity check failed.'), ` (${check.outcome})`),
    h('p', { id: 'check-message' }, check.message),
  );
}

async function load() {
  clearFieldErrors(form);
  showCheck(null);
  announce(status, 'Loading…');
  try {
    const { data } = await api('GET', settingsPath());
    fill(data);
    announce(status, '');
  } catch (err) {
    if (err instanceof SignedOut) return;
    announce(status, err.message, 'error');
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  showCheck(null);
  const button = byId('save-settings');
  button.disabled = true;
  announce(status, 'Saving…');
  try {
    const { data } = await api('PUT', settingsPath(), { body: collect() });
    fill(data);
    showCheck(data.check ?? null);
    announce(status, 'Settings saved.', 'ok');
  } catch (err) {
    if (err instanceof SignedOut) return;
    if (err instanceof ApiError) {
      showCheck(err.body?.check ?? null);
      const unmatched = showFieldErrors(form, err.fieldErrors.filter((e) => e.field !== 'connectivity'));
      const others = [...unmatched, ...err.fieldErrors.filter((e) => e.field === 'connectivity')];
      const count = err.fieldErrors.length;
      announce(status, count > 0 ? `Not saved: ${count} problem${count === 1 ? '' : 's'}.${others.length ? ' ' + others.map((e) => e.message).join(' ') : ''}` : `Not saved: ${err.message}`, 'error');
    } else {
      announce(status, String(err), 'error');
    }
  } finally {
    button.disabled = false;
  }
});

if (profile) {
  buildForm();
  if (profile.siteAdmin) byId('level-site-label').hidden = false;
  for (const radio of document.querySelectorAll('input[name="level"]')) {
    radio.addEventListener('change', () => {
      level = radio.value;
      buildForm();
      load();
    });
  }
  load();
}
