/**
 * The admin console's pages: one shared layout (head, header, navigation) around each page's own
 * `<main>` content, so the navigation is written once, here, and a new page is one entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A console page: its URL, its name (fragment `pages/<name>.html`, script `js/<name>-page.js`), its title. */
export interface AdminPage {
  path: string;
  name: string;
  title: string;
  /** signed-in pages show the navigation and the sign-out button; the sign-in page does not */
  signedIn: boolean;
}

/** Every page, in navigation order (the sign-in page first). */
export const ADMIN_PAGES: readonly AdminPage[] = [
  { path: '/admin', name: 'sign-in', title: 'Sign in', signedIn: false },
  { path: '/admin/overview', name: 'overview', title: 'Overview', signedIn: true },
  { path: '/admin/settings', name: 'settings', title: 'Kaltura settings', signedIn: true },
  { path: '/admin/users', name: 'users', title: 'Users and logins', signedIn: true },
  { path: '/admin/tokens', name: 'tokens', title: 'Access tokens', signedIn: true },
  { path: '/admin/developer-keys', name: 'developer-keys', title: 'Developer keys', signedIn: true },
  { path: '/admin/audit', name: 'audit', title: 'Session audit log', signedIn: true },
  { path: '/admin/media', name: 'media', title: 'Media objects', signedIn: true },
  { path: '/admin/upload-check', name: 'upload-check', title: 'Upload check', signedIn: true },
  { path: '/admin/ks', name: 'ks', title: 'KS inspector', signedIn: true },
];

/** The header's navigation for signed-in pages (the current link is marked by layout.js). */
function navigation(): string {
  const links = ADMIN_PAGES.filter((p) => p.signedIn)
    .map((p) => `        <li><a href="${p.path}">${p.title}</a></li>\n`)
    .join('');
  return (
    '    <nav aria-label="Console">\n      <ul>\n' +
    links +
    '      </ul>\n    </nav>\n' +
    '    <p class="who"><span id="who"></span> <button type="button" id="sign-out" class="secondary">Sign out</button></p>\n'
  );
}

/** Puts one page's `<main>` content into the layout. Pure. */
export function renderAdminPage(layout: string, page: AdminPage, main: string): string {
  const values: Record<string, string> = {
    title: page.title,
    script: `${page.name}-page.js`,
    nav: page.signedIn ? navigation() : '',
    main,
  };
  return layout.replace(/\{\{(title|script|nav|main)\}\}/g, (_m, key: string) => values[key]!);
}

/** Reads the layout and every fragment under `root` once and composes the pages: path → HTML. */
export function loadAdminPages(root: string): Map<string, string> {
  const layout = readFileSync(join(root, 'layout.html'), 'utf8');
  return new Map(ADMIN_PAGES.map((p) => [p.path, renderAdminPage(layout, p, readFileSync(join(root, 'pages', `${p.name}.html`), 'utf8'))]));
}
