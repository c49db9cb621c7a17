/**
 * Reading api_v3 answers: JSON (`format=1`) or XML (Kaltura's default, and what some servers send
 * whatever is asked). Element order is never relied upon. Anything else is "not an answer".
 */

/** A Kaltura API answer: a result, or a KalturaAPIException. */
export type ApiAnswer =
  | { ok: true; value: KalturaValue }
  | { ok: false; code: string; message: string };

/** A result: text (a KS), or an object's properties as text (XML) or JSON values. */
export type KalturaValue = string | number | boolean | null | { [key: string]: unknown };

/** The body is not a Kaltura API answer (HTML page, truncated, empty, …). */
export class BadAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadAnswer';
  }
}

/** Parses an api_v3 body; throws BadAnswer when it is not one. */
export function parseApiAnswer(body: string): ApiAnswer {
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new BadAnswer('an empty answer');
  if (text.startsWith('<')) return parseXmlAnswer(text);
  return parseJsonAnswer(text);
}

function parseJsonAnswer(text: string): ApiAnswer {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadAnswer('an answer that is neither JSON nor XML');
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (o.objectType === 'KalturaAPIException' || (typeof o.code === 'string' && typeof o.message === 'string' && !('ks' in o))) {
      if (typeof o.code !== 'string' || o.code === '') throw new BadAnswer('an error without a code');
      return { ok: false, code: o.code, message: typeof o.message === 'string' ? o.message : '' };
    }
    return { ok: true, value: o };
  }
  if (Array.isArray(value)) throw new BadAnswer('an unexpected JSON array');
  return { ok: true, value: value as KalturaValue };
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes XML character data (the five named entities and numeric references). */
export function xmlText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (m, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#')) {
      const n = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[ref] ?? m;
  });
}

/** The top-level child elements of an XML fragment, by name (first occurrence wins), raw inner text. */
export function xmlChildren(fragment: string): Map<string, string> {
  const out = new Map<string, string>();
  const open = /<([A-Za-z_][\w.-]*)(\s[^<>]*?)?(\/)?>/g;
  let m: RegExpExecArray | null;
  while ((m = open.exec(fragment)) !== null) {
    const name = m[1]!;
    if (m[3] === '/') {
      if (!out.has(name)) out.set(name, '');
      continue;
    }
    const start = open.lastIndex;
    const end = matchingClose(fragment, name, start);
    if (end < 0) throw new BadAnswer('an XML answer with an unclosed element');
    if (!out.has(name)) out.set(name, fragment.slice(start, end));
    open.lastIndex = end + name.length + 3;
  }
  return out;
}

function matchingClose(s: string, name: string, from: number): number {
  const tags = new RegExp(`<(/?)${name.replace(/[.]/g, '\\.')}(?:\\s[^<>]*?)?(/?)>`, 'g');
  tags.lastIndex = from;
  let depth = 1;
  let m: RegExpExecArray | null;
  while ((m = tags.exec(s)) !== null) {
    if (m[2] === '/') continue;
    depth += m[1] === '/' ? -1 : 1;
    if (depth === 0) return m.index;
  }
  return -1;
}

function parseXmlAnswer(text: string): ApiAnswer {
  const doc = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (!doc.startsWith('<xml>') || !doc.endsWith('</xml>')) throw new BadAnswer('an answer that is not a complete Kaltura XML document');
  const top = xmlChildren(doc.slice('<xml>'.length, -'</xml>'.length));
  const result = top.get('result');
  if (result === undefined) throw new BadAnswer('an XML answer without a result');
  const inner = result.trim();
  if (!inner.includes('<')) return { ok: true, value: xmlText(inner) };
  const children = xmlChildren(inner);
  const error = children.get('error');
  if (error !== undefined) {
    const fields = xmlChildren(error);
    const code = xmlText(fields.get('code') ?? '').trim();
    if (code === '') throw new BadAnswer('an XML error without a code');
    return { ok: false, code, message: xmlText(fields.get('message') ?? '') };
  }
  const obj: Record<string, unknown> = {};
  for (const [k, v] of children) obj[k] = v.includes('<') ? v : xmlText(v);
  return { ok: true, value: obj };
}

const KS_SHAPE = /^[A-Za-z0-9+/_=-]{16,8192}$/;

/** The value as a KS, or null when it does not look like one. */
export function asKs(value: unknown): string | null {
  return typeof value === 'string' && KS_SHAPE.test(value) ? value : null;
}

/** A property of an object result, or undefined. */
export function prop(value: KalturaValue, name: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
}
