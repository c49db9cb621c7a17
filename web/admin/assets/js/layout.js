/**
 * What every signed-in console page does first: require a session, mark the current page in
 * the navigation, show who is signed in, and wire the sign-out button.
 */
import { getProfile, getToken, goToSignIn, signOut } from './session.js';
import { byId } from './dom.js';

/** Returns the profile, or leaves for sign-in (and returns null) when there is no session. */
export function startPage() {
  const profile = getProfile();
  if (!getToken() || !profile) {
    goToSignIn('signed_out');
    return null;
  }
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
  }
  byId('who').textContent = `Signed in as ${profile.name} (user ${profile.userId}${profile.siteAdmin ? ', site admin' : ''})`;
  byId('sign-out').addEventListener('click', () => {
    signOut();
    location.assign('/admin/?reason=signed_out_by_user');
  });
  document.body.classList.add('ready');
  return profile;
}
