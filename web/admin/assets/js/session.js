/**
 * The signed-in console session: the access token and who it belongs to, kept in this tab's
 * sessionStorage only (never localStorage, cookies or the URL), gone when the tab closes.
 */
const TOKEN_KEY = 'cks.admin.token';
const PROFILE_KEY = 'cks.admin.profile';

/** The token of this tab's session, or null. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Who is signed in: { userId, name, accountId, siteAdmin }, or null. */
export function getProfile() {
  try {
    return JSON.parse(sessionStorage.getItem(PROFILE_KEY) ?? 'null');
  } catch {
    return null;
  }
}

/** Starts the session. */
export function signIn(token, profile) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
}

/** Ends the session (the token stays valid on the server; revoke it on the tokens page). */
export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PROFILE_KEY);
}

/** Leaves for the sign-in page, saying why and where to come back to. */
export function goToSignIn(reason) {
  const here = location.pathname + location.search;
  const params = new URLSearchParams({ reason });
  if (here.startsWith('/admin/') && here !== '/admin/') params.set('next', here);
  location.assign(`/admin/?${params}`);
}

/** A `next` value that is safe to return to: a console path on this origin. */
export function safeNext(next) {
  return typeof next === 'string' && /^\/admin\/[A-Za-z0-9_\-/?=&%.]*$/.test(next) && !next.startsWith('//') ? next : '/admin/overview';
}
