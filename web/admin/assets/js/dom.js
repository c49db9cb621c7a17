/**
 * Small DOM helpers: build elements from data (text only, never HTML strings), show a status
 * message, and show validation errors beside their fields.
 */

/** Creates an element: h('td', { className: 'x' }, 'text', childNode). Attributes via `attrs`. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'attrs') for (const [name, v] of Object.entries(value)) el.setAttribute(name, String(v));
    else if (key === 'on') for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    else el[key] = value;
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The element with this id (throws when a page lacks it: a bug, not a user error). */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

/** Shows a message in a live region; kind: 'ok' | 'error' | '' (neutral). */
export function announce(region, message, kind = '') {
  region.className = `status ${kind}`.trim();
  region.textContent = message;
}

/** Removes every field error in `form`. */
export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) el.textContent = '';
}

/**
 * Shows each { field, message } beside its control (matched by the control's `name` or its
 * `data-fields` aliases) and focuses the first; returns the errors that match no field.
 */
export function showFieldErrors(form, errors) {
  const unmatched = [];
  let first = null;
  for (const error of errors) {
    const control = [...form.elements].find(
      (el) => el.name === error.field || (el.dataset.fields ?? '').split(' ').includes(error.field),
    );
    if (!control) {
      unmatched.push(error);
      continue;
    }
    control.setAttribute('aria-invalid', 'true');
    const slot = document.getElementById(`${control.id}-error`);
    if (slot) slot.textContent = slot.textContent ? `${slot.textContent} ${error.message}` : error.message;
    first ??= control;
  }
  first?.focus();
  return unmatched;
}

/** Formats an ISO time for people (local time), or '—'. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** Converts a datetime-local value to ISO 8601 (UTC), or '' when empty. */
export function isoFromLocal(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}
