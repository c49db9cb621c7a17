/**
 * Canvas's developer-key scopes: strings `url:<VERB>|<route path>` and the rule that decides
 * whether a request is covered by a token's scopes. Pure.
 */

/** Builds a scope string for a route. @example scopeFor('GET', '/api/v1/services/kaltura') */
export function scopeFor(method: string, routePath: string): string {
  return `url:${method.toUpperCase()}|${routePath}`;
}

interface CompiledScope {
  method: string;
  pattern: RegExp;
}

const compiled = new Map<string, CompiledScope | null>();

function compile(scope: string): CompiledScope | null {
  const cached = compiled.get(scope);
  if (cached !== undefined) return cached;
  const match = /^url:([A-Z]+)\|(\/.*)$/.exec(scope);
  let result: CompiledScope | null = null;
  if (match) {
    const [, method, path] = match as unknown as [string, string, string];
    const body = path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : escapeRegExp(segment)))
      .join('/');
    // Canvas allows a format suffix such as `.json` on any route.
    result = { method, pattern: new RegExp(`^${body}(?:\\.[A-Za-z0-9]+)?$`) };
  }
  if (compiled.size < 10_000) compiled.set(scope, result);
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * True when one of `scopes` allows `method` on `path` (no query string): HEAD counts as GET,
 * `:param` segments match one segment, a `.json`-style suffix is allowed.
 * @example scopesAllow(['url:GET|/api/v1/users/:id'], 'GET', '/api/v1/users/5.json') === true
 */
export function scopesAllow(scopes: readonly string[], method: string, path: string): boolean {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const scope of scopes) {
    const c = compile(scope);
    if (c && c.method === verb && c.pattern.test(path)) return true;
  }
  return false;
}

/** True when `scope` has the shape of a scope string. */
export function isScopeString(scope: string): boolean {
  return compile(scope) !== null;
}
