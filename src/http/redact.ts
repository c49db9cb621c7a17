/**
 * What may be logged of a request: URLs with credential parameters blanked, and a KS cut to
 * its last 6 characters. Used by the logger's serializers.
 */

// A name may carry Rails-style brackets (`access_token[]`, `settings[secret_key]`): check every part.
const SENSITIVE_NAME = /^(access_token|ks|secret|token|app_token|user_secret_key|secret_key|password|tokenhash|kalsig|verifier)$/i;

function isSensitive(name: string): boolean {
  return name.split(/[[\]]+/).some((part) => SENSITIVE_NAME.test(part));
}

/** Replaces the values of credential-bearing query parameters with `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      /* keep the raw name */
    }
    return eq >= 0 && isSensitive(name) ? `${rawName}=[REDACTED]` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}
