/**
 * Rails-style nesting of bracket keys: a form body arrives as flat keys (`user[name]`,
 * `token[scopes][]`); Canvas's parameters are nested objects. Pure, with depth and size caps.
 */

/** Thrown for keys that cannot be nested (too deep, too many, conflicting, reserved names). */
export class NestedParamsError extends Error {}

export interface NestOptions {
  /** most bracket segments after the name (`a[b][c]` has 2); default 4 */
  maxDepth?: number;
  /** most keys plus array elements in all; default 1000 */
  maxEntries?: number;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const KEY_RE = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

type Tree = Record<string, unknown>;

function isTree(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Splits `a[b][]` into `['a', 'b', '']`; a key that is not bracket syntax stays whole. */
export function splitKey(key: string): string[] {
  const m = KEY_RE.exec(key);
  if (!m) return [key];
  const segments = [m[1]!];
  const rest = m[2]!;
  if (rest !== '') for (const part of rest.slice(1, -1).split('][')) segments.push(part);
  return segments;
}

/**
 * Turns flat bracket keys into nested objects and arrays, the way Rails reads a form:
 * `a[b]=1` → `{a:{b:'1'}}`, `a[]=1&a[]=2` → `{a:['1','2']}`; a repeated plain key keeps its
 * last value. Values that are already objects (a JSON body) pass through.
 * @example nestParams({ 'user[name]': 'Ann', 'token[scopes][]': ['x', 'y'] }) // → { user: { name: 'Ann' }, token: { scopes: ['x', 'y'] } }
 */
export function nestParams(flat: Record<string, unknown>, options: NestOptions = {}): Tree {
  const maxDepth = options.maxDepth ?? 4;
  const maxEntries = options.maxEntries ?? 1000;
  const out: Tree = {};
  let entries = 0;
  for (const [key, value] of Object.entries(flat)) {
    entries += Array.isArray(value) ? Math.max(1, value.length) : 1;
    if (entries > maxEntries) throw new NestedParamsError(`Too many parameters (at most ${maxEntries}).`);
    const segments = splitKey(key);
    if (segments.length - 1 > maxDepth) throw new NestedParamsError(`The parameter "${key.slice(0, 100)}" is nested too deeply (at most ${maxDepth} levels).`);
    for (const s of segments) if (RESERVED.has(s)) throw new NestedParamsError(`The parameter name "${s}" is not allowed.`);
    const appends = segments[segments.length - 1] === '' && segments.length > 1;
    const path = appends ? segments.slice(0, -1) : segments;
    if (path.slice(1).includes('')) throw new NestedParamsError(`The parameter "${key.slice(0, 100)}" uses [] before its end, which is not supported.`);
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const s = path[i]!;
      const next = Object.prototype.hasOwnProperty.call(node, s) ? node[s] : undefined;
      if (next === undefined) node = node[s] = {} as Tree;
      else if (isTree(next)) node = next;
      else throw new NestedParamsError(`The parameter "${path.slice(0, i + 1).join('.')}" is given both as a value and with [sub-keys].`);
    }
    const leaf = path[path.length - 1]!;
    const existing = Object.prototype.hasOwnProperty.call(node, leaf) ? node[leaf] : undefined;
    if (appends) {
      if (existing !== undefined && !Array.isArray(existing)) throw new NestedParamsError(`The parameter "${key.slice(0, 100)}" is given both as a list and otherwise.`);
      const items = Array.isArray(value) ? value : [value];
      node[leaf] = [...((existing as unknown[] | undefined) ?? []), ...items];
    } else {
      if (existing !== undefined && (isTree(existing) || Array.isArray(existing))) {
        throw new NestedParamsError(`The parameter "${key.slice(0, 100)}" is given both as a value and with [sub-keys].`);
      }
      // A repeated plain key (form) keeps its last value, as Rails does; JSON values pass through.
      node[leaf] = Array.isArray(value) && segments.length > 1 ? value[value.length - 1] : value;
    }
  }
  return out;
}
