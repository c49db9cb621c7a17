/**
 * The admin console's Content-Security-Policy: scripts and styles from the service itself only
 * (nothing inline), no plugins, no framing, and network calls to the service plus, on the upload
 * check page, the configured Kaltura origin. Pure.
 */
import type { PlainSettings } from '../../settings/kaltura-settings.js';

/** CSP directives in helmet's form (name → sources). */
export type CspDirectives = Record<string, string[]>;

/** The console's CSP directives; `connectOrigins` are the extra origins pages may call, `imgOrigins` where images may come from. */
export function consoleCspDirectives(connectOrigins: readonly string[] = [], imgOrigins: readonly string[] = []): CspDirectives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", ...imgOrigins],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'connect-src': ["'self'", ...connectOrigins],
  };
}

/** Renders directives as a header value (what helmet sends), for tests and logs. */
export function renderCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join(';');
}

/**
 * The origin k5uploader talks to for these settings (the origin of Canvas's `uploadUrl`,
 * `entryUrl` and `uiconfUrl`: the `protocol` setting, else the request's scheme, and `domain`),
 * or null when the settings name no usable domain.
 */
export function kalturaUploadOrigin(plain: PlainSettings, requestScheme: string): string | null {
  const domain = typeof plain.domain === 'string' ? plain.domain.trim() : '';
  if (domain === '' || /[\s/\\?#@;,'"]/.test(domain)) return null;
  const protocol = typeof plain.protocol === 'string' && plain.protocol !== '' ? plain.protocol : requestScheme;
  if (protocol !== 'http' && protocol !== 'https') return null;
  try {
    return new URL(`${protocol}://${domain}`).origin;
  } catch {
    return null;
  }
}
