/**
 * Sign-in: checks the pasted token against the API (who it belongs to, whether that user
 * administers this account, whether they are a site admin), then keeps it in this tab only.
 */
import { api, ApiError, signInReason } from './api.js';
import { announce, byId, clearFieldErrors, showFieldErrors } from './dom.js';
import { getToken, safeNext, signIn, signOut } from './session.js';

const REASONS = {
  expired: 'Your access token has expired. Sign in with a current token.',
  revoked: 'Your access token was revoked. Sign in with another token.',
  invalid: 'Your access token is no longer valid. Sign in again.',
  not_admin: 'That token does not belong to an administrator of this account.',
  scopes: 'Your access token is limited by scopes and cannot use the admin console.',
  signed_out: 'Please sign in to continue.',
  signed_out_by_user: 'You have signed out.',
};

const params = new URLSearchParams(location.search);
const reason = params.get('reason');
const reasonBox = byId('sign-in-reason');
if (reason && REASONS[reason]) {
  reasonBox.textContent = REASONS[reason];
  reasonBox.hidden = false;
  if (reason === 'signed_out_by_user') reasonBox.className = 'notice';
}
if (getToken() && !reason) location.replace(safeNext(params.get('next')));

const form = byId('sign-in-form');
const input = byId('token');
const status = byId('sign-in-status');
input.focus();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const token = input.value.trim();
  if (token === '') {
    showFieldErrors(form, [{ field: 'token', message: 'Enter an access token.' }]);
    return;
  }
  const button = byId('sign-in');
  button.disabled = true;
  announce(status, 'Checking the token…');
  try {
    const call = (path) => api('GET', path, { token, onUnauthorized: 'throw' });
    const me = await call('/api/v1/users/self');
    const account = await call('/api/v1/accounts/self/kaltura_settings');
    let siteAdmin = false;
    try {
      await call('/api/v1/kaltura_settings');
      siteAdmin = true;
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
    }
    signIn(token, {
      userId: me.data.id ?? Number(me.headers.get('x-canvas-user-id')),
      name: me.data.name,
      accountId: account.data.account_id,
      siteAdmin,
    });
    input.value = '';
    announce(status, 'Signed in.', 'ok');
    location.assign(safeNext(params.get('next')));
  } catch (err) {
    signOut();
    input.value = '';
    const message =
      err instanceof ApiError && err.status === 401 ? REASONS[signInReason(err.body)] ?? err.message : err instanceof Error ? err.message : String(err);
    showFieldErrors(form, [{ field: 'token', message }]);
    announce(status, 'Sign-in failed.', 'error');
  } finally {
    button.disabled = false;
  }
});
