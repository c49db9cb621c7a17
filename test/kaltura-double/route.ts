/** Request classification: which Kaltura API and operation a request is, and its parameters. */
import type { IncomingHttpHeaders } from 'node:http';
import { multipartBoundary, parseMultipart, type MultipartPart } from './multipart.js';
import type { ApiFormat } from './responses.js';

export interface RequestContext {
  method: string;
  /** the raw request target: path and query */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddr: string;
  /** performance.now() when the request arrived */
  startedAt: number;
}

export interface HandlerResult {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export type Route =
  | {
      kind: 'api_v3';
      service: string;
      action: string;
      operation: string;
      params: Map<string, string>;
      format: ApiFormat;
      /** the body could not be read (bad JSON, bad multipart) */
      bodyError: string | null;
    }
  | {
      kind: 'ps2';
      action: string;
      operation: string;
      params: Map<string, string>;
      query: URLSearchParams;
      /** parts of a multipart body, null for other bodies */
      parts: MultipartPart[] | null;
      bodyError: string | null;
    }
  | {
      /** files Kaltura serves outside the APIs: flavor downloads and thumbnails under /p/<partner>/ */
      kind: 'serve';
      action: 'download' | 'thumbnail';
      operation: 'serve.download' | 'serve.thumbnail';
      partnerId: string;
      subpId: string | null;
      /** the path's `/name/value` pairs (entry_id, flavor, ks, relocate, width, height, type…) */
      params: Map<string, string>;
    }
  | { kind: 'unknown'; operation: null };

const API_OPERATIONS: Readonly<Record<string, string>> = {
  'session.start': 'session.start',
  'session.startwidgetsession': 'session.startWidgetSession',
  'session.get': 'session.get',
  'session.end': 'session.end',
  'apptoken.startsession': 'appToken.startSession',
  'media.get': 'media.get',
  'flavorasset.list': 'flavorAsset.list',
  'flavorasset.getbyentryid': 'flavorAsset.getByEntryId',
};

const PS2_OPERATIONS: Readonly<Record<string, string>> = {
  getuiconf: 'ps2.getuiconf',
  upload: 'ps2.upload',
  addentry: 'ps2.addEntry',
};

const API_PREFIX = /^\/api_v3(?:\/index\.php)?(?:\/(.*))?$/;
const PS2_PREFIX = /^(?:\/index\.php)?\/partnerservices2\/([^/]+)\/?$/;

function flattenJson(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    for (const [k, v] of entries) flattenJson(v, prefix === '' ? k : `${prefix}:${k}`, out);
    return;
  }
  if (prefix === '') return;
  out.set(prefix, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
}

function contentTypeOf(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Parameters from the body (form, JSON or the text fields of multipart). */
function bodyParams(
  ctx: RequestContext,
  out: Map<string, string>,
): { parts: MultipartPart[] | null; error: string | null } {
  if (ctx.body.length === 0) return { parts: null, error: null };
  const type = contentTypeOf(ctx.headers);
  if (type === 'application/x-www-form-urlencoded') {
    for (const [k, v] of new URLSearchParams(ctx.body.toString('utf8'))) out.set(k, v);
    return { parts: null, error: null };
  }
  if (type === 'application/json' || type === 'text/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(ctx.body.toString('utf8'));
    } catch {
      return { parts: null, error: 'invalid JSON body' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { parts: null, error: 'JSON body must be an object' };
    }
    flattenJson(parsed, '', out);
    return { parts: null, error: null };
  }
  if (type === 'multipart/form-data') {
    const boundary = multipartBoundary(ctx.headers['content-type']);
    if (!boundary) return { parts: null, error: 'multipart body without boundary' };
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(ctx.body, boundary);
    } catch (e) {
      return { parts: null, error: `bad multipart body: ${(e as Error).message}` };
    }
    for (const part of parts) if (part.filename === null) out.set(part.name, part.data.toString('utf8'));
    return { parts, error: null };
  }
  return { parts: null, error: null };
}

/** Whether a path belongs to partnerservices2 (for the body cap and CORS before the body is read). */
export function isPs2Path(path: string): boolean {
  return PS2_PREFIX.test(path);
}

export function ps2ActionOf(path: string): string | null {
  const m = PS2_PREFIX.exec(path);
  return m ? decodeURIComponent(m[1]!).toLowerCase() : null;
}

const SERVE_PREFIX = /^\/p\/(\d+)(?:\/sp\/(\d+))?\/(download|thumbnail)(?:\/|$)/;

/** `/p/<pid>[/sp/<subp>]/download|thumbnail/<name>/<value>…`, segments decoded one by one (a KS may hold `%2F`). */
function classifyServe(ctx: RequestContext): Route | null {
  const q = ctx.url.indexOf('?');
  const rawPath = (q < 0 ? ctx.url : ctx.url.slice(0, q)).replace(/\/{2,}/g, '/');
  const m = SERVE_PREFIX.exec(rawPath);
  if (!m) return null;
  const rest = rawPath.slice(m[0].length).split('/').filter((x) => x.length > 0);
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < rest.length; i += 2) {
    try {
      params.set(decodeURIComponent(rest[i]!), decodeURIComponent(rest[i + 1]!));
    } catch {
      // an undecodable pair is left out, as Kaltura's router would not match it
    }
  }
  const action = m[3] as 'download' | 'thumbnail';
  return { kind: 'serve', action, operation: `serve.${action}`, partnerId: m[1]!, subpId: m[2] ?? null, params };
}

export function classify(ctx: RequestContext): Route {
  const served = classifyServe(ctx);
  if (served) return served;
  const api = API_PREFIX.exec(ctx.path);
  if (api) {
    const params = new Map<string, string>();
    for (const [k, v] of ctx.query) params.set(k, v);
    const { error } = bodyParams(ctx, params);
    // path parameters: /service/<s>/action/<a>/<name>/<value>…
    const rest = (api[1] ?? '').split('/').filter((s) => s.length > 0);
    for (let i = 0; i + 1 < rest.length; i += 2) {
      let name: string;
      let value: string;
      try {
        name = decodeURIComponent(rest[i]!);
        value = decodeURIComponent(rest[i + 1]!);
      } catch {
        continue;
      }
      params.set(name, value);
    }
    const service = params.get('service') ?? '';
    const action = params.get('action') ?? '';
    const key = `${service.toLowerCase()}.${action.toLowerCase()}`;
    return {
      kind: 'api_v3',
      service,
      action,
      operation: API_OPERATIONS[key] ?? `${service}.${action}`,
      params,
      format: params.get('format') === '1' ? 'json' : 'xml',
      bodyError: error,
    };
  }
  const ps2Action = ps2ActionOf(ctx.path);
  if (ps2Action !== null) {
    const params = new Map<string, string>();
    for (const [k, v] of ctx.query) params.set(k, v);
    const { parts, error } = bodyParams(ctx, params);
    return {
      kind: 'ps2',
      action: ps2Action,
      operation: PS2_OPERATIONS[ps2Action] ?? `ps2.${ps2Action}`,
      params,
      query: ctx.query,
      parts,
      bodyError: error,
    };
  }
  return { kind: 'unknown', operation: null };
}
