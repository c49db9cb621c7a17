/**
 * Calls to the service's API with the session's token. A 401 that says the token is no longer
 * good (invalid, expired, revoked, or no admin rights) ends the session and returns to sign-in.
 */
import { getToken, goToSignIn, signOut } from './session.js';

/** A refused or failed API call: `status` (0 when unreachable), the parsed `body`, a readable message. */
export class ApiError extends Error {
  constructor(status, body, message) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** Per-field validation errors: [{ field, message }]. */
  get fieldErrors() {
    const errors = this.body && Array.isArray(this.body.errors) ? this.body.errors : [];
    return errors.filter((e) => e && typeof e.field === 'string');
  }
}

/** Thrown after the page has started leaving for sign-in; callers just stop. */
export class SignedOut extends Error {}

/** The first readable message in a Canvas error body. */
export function errorMessage(body, fallback) {
  if (body && Array.isArray(body.errors) && body.errors[0] && typeof body.errors[0].message === 'string') return body.errors[0].message;
  if (body && typeof body.errors === 'string') return body.errors;
  if (body && body.errors && typeof body.errors.base === 'string') return body.errors.base;
  return fallback;
}

/** Why a 401 ends the session: invalid | expired | revoked | not_admin | signed_out | scopes. */
export function signInReason(body) {
  const message = errorMessage(body, '');
  if (/^Expired access token/.test(message)) return 'expired';
  if (/^Revoked access token/.test(message)) return 'revoked';
  if (/^Invalid access token/.test(message)) return 'invalid';
  if (/^Insufficient scopes/.test(message)) return 'scopes';
  if (body && body.status === 'unauthorized') return 'not_admin';
  return 'signed_out';
}

async function readBody(response) {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return { errors: [{ message: `Unexpected answer (${response.status}).` }] };
  }
}

/**
 * Sends one request. `query` values that are empty are left out; `body` goes as JSON.
 * `token` overrides the session's (sign-in); `onUnauthorized: 'throw'` keeps the page on a 401.
 */
export async function api(method, path, { query, body, token, onUnauthorized = 'sign-in' } = {}) {
  const bearer = token ?? getToken();
  if (!bearer) {
    goToSignIn('signed_out');
    throw new SignedOut('not signed in');
  }
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && String(v) !== '') url.searchParams.append(name, String(v));
    }
  }
  const headers = { Accept: 'application/json', Authorization: `Bearer ${bearer}` };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, null, 'The service could not be reached. Check your connection and try again.');
  }
  const data = await readBody(response);
  if (response.status === 401 && onUnauthorized === 'sign-in') {
    signOut();
    goToSignIn(signInReason(data));
    throw new SignedOut('session ended');
  }
  if (!response.ok) throw new ApiError(response.status, data, errorMessage(data, `The request failed (HTTP ${response.status}).`));
  return { data, headers: response.headers, status: response.status };
}

/** The `rel` → URL map of a Link header (Canvas pagination). */
export function parseLinks(header) {
  const links = {};
  for (const part of (header ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (m) links[m[2]] = m[1];
  }
  return links;
}
