/**
 * KS privilege strings: comma-separated `name` or `name:value`, only the first `:` separates,
 * a value may list several values separated by `/`, `*` means everything.
 */

/** Parsed privileges: name → values, in first-seen order (a Map keeps PHP's array order). */
export type PrivilegeMap = Map<string, string[]>;

/** What {@link buildPrivileges} accepts: a Map, `[name, values]` pairs or a plain object. */
export type PrivilegeInput =
  | ReadonlyMap<string, readonly string[] | string>
  | Iterable<readonly [string, readonly string[] | string]>
  | Readonly<Record<string, readonly string[] | string>>;

/**
 * Parses a privilege string exactly like Kaltura's server (`kSessionBase::parsePrivileges`): no
 * trimming, a repeated name collects all its values, `name:` and `name` have no values.
 * @example parsePrivileges('sview:0_a/0_b,list:*,enableentitlement')
 * // Map { 'sview' => ['0_a', '0_b'], 'list' => ['*'], 'enableentitlement' => [] }
 */
export function parsePrivileges(privileges: string): PrivilegeMap {
  const parsed: PrivilegeMap = new Map();
  for (const privilege of privileges.split(',')) {
    const colon = privilege.indexOf(':');
    const name = colon < 0 ? privilege : privilege.slice(0, colon);
    const value = colon < 0 ? '' : privilege.slice(colon + 1);
    let values = parsed.get(name);
    if (values === undefined) {
      values = [];
      parsed.set(name, values);
    }
    if (value.length > 0) values.push(...value.split('/'));
  }
  return parsed;
}

/**
 * Builds a privilege string from names and values (Kaltura's `kSessionBase::buildPrivileges`):
 * values are joined with `/`; a name without values is written alone.
 * @example buildPrivileges({ sview: ['0_a', '0_b'], list: '*', enableentitlement: [] })
 * // 'sview:0_a/0_b,list:*,enableentitlement'
 */
export function buildPrivileges(input: PrivilegeInput): string {
  const entries: Iterable<readonly [string, readonly string[] | string]> =
    input instanceof Map || isIterable(input)
      ? (input as Iterable<readonly [string, readonly string[] | string]>)
      : Object.entries(input as Readonly<Record<string, readonly string[] | string>>);
  const out: string[] = [];
  for (const [name, raw] of entries) {
    const values = typeof raw === 'string' ? (raw.length > 0 ? [raw] : []) : raw;
    out.push(values.length > 0 ? `${name}:${values.join('/')}` : name);
  }
  return out.join(',');
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

/**
 * The KS v2 fields a privilege string becomes (Kaltura's generators): split on `,`, each piece
 * trimmed like PHP `trim`, empty and `0` pieces skipped, `*` → `all:*`, split at the first `:`
 * (no `:` → empty value); a later duplicate overwrites the value but keeps the first position.
 * @example privilegesToFields(' sview:1 , * ') // [['sview', '1'], ['all', '*']]
 */
export function privilegesToFields(privileges: string): Array<[string, string]> {
  const fields = new Map<string, string>();
  if (privileges.length === 0) return [];
  for (const piece of privileges.split(',')) {
    let privilege = piece.replace(PHP_TRIM, '');
    if (privilege === '' || privilege === '0') continue;
    if (privilege === '*') privilege = 'all:*';
    const colon = privilege.indexOf(':');
    if (colon < 0) fields.set(privilege, '');
    else fields.set(privilege.slice(0, colon), privilege.slice(colon + 1));
  }
  return [...fields];
}
