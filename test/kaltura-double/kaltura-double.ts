/**
 * The Kaltura double: a real HTTP server on loopback that answers like Kaltura's api_v3 (sessions,
 * app tokens, media entries, flavors), partnerservices2 (k5uploader's getuiconf / upload / addEntry)
 * and its file URLs (flavor downloads, thumbnails), records every request, and injects faults on
 * demand. See docs/kaltura-double.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { faultArgsFromRequest, handleApiV3, renderApiError } from './api-v3.js';
import { addEntry, type EntryConfig } from './entries.js';
import {
  filterMatches,
  parseFault,
  parseFaultFilter,
  type Fault,
  type FaultFilter,
  type QueuedFault,
} from './faults.js';
import { handlePs2, PS2_CORS_HEADERS, ps2FaultResponse, ps2Preflight } from './ps2.js';
import { API_ERROR_TEMPLATES, apiError, defaultConfFile, htmlPage } from './responses.js';
import { classify, isPs2Path, ps2ActionOf, type HandlerResult, type RequestContext, type Route } from './route.js';
import { handleServe } from './serve.js';
import {
  DoubleState,
  type AppToken,
  type AppTokenConfig,
  type CreatedEntry,
  type FlavorAsset,
  type IssuedSession,
  type Partner,
  type PartnerConfig,
  type StoredUpload,
  type UiConf,
  type UiConfConfig,
} from './state.js';

export type { Fault, FaultFilter, FaultKind, QueuedFault } from './faults.js';
export type { EntryConfig, MediaType } from './entries.js';
export { FLAVOR_STATUS } from './state.js';
export type {
  AppToken,
  AppTokenConfig,
  AppTokenHashType,
  AppTokenStatus,
  CreatedEntry,
  FlavorAsset,
  IssuedSession,
  Partner,
  PartnerConfig,
  SessionType,
  StoredUpload,
  UiConf,
  UiConfConfig,
} from './state.js';
export { kalsig } from './kalsig.js';
export { defaultConfFile } from './responses.js';

/** One request as the double received it. */
export interface RecordedRequest {
  /** 1, 2, 3… in arrival order */
  seq: number;
  /** Date.now() at arrival */
  at: number;
  method: string;
  /** the request target exactly as sent: path and query string */
  url: string;
  /** `METHOD url`, the request line without the HTTP version */
  line: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** the body bytes read (at most the cap) */
  body: Buffer;
  /** the body as UTF-8 text */
  bodyText: string;
  /** the body was larger than the cap (the double answered 413) */
  bodyTruncated: boolean;
  /** e.g. 'session.start', 'ps2.upload'; null for unknown paths */
  operation: string | null;
  /** api_v3 / ps2 parameters after merging query, body and path (null for unknown paths) */
  params: Record<string, string> | null;
  /** the fault applied to this request, if any */
  fault: Fault | null;
  /** HTTP status answered (null while pending, or when the fault sent none) */
  status: number | null;
}

export interface KalturaDoubleOptions {
  /** default 127.0.0.1 (loopback only) */
  host?: string;
  /** default 0 (an ephemeral port) */
  port?: number;
  /**
   * Partners. Default: partner 1234 with the secrets of ks-vectors.json
   * (admin `a1b2c3d4e5f60718293a4b5c6d7e8f90`, user `0f9e8d7c6b5a49382716a5b4c3d2e1f0`).
   */
  partners?: readonly PartnerConfig[];
  appTokens?: readonly AppTokenConfig[];
  /** Default: ui conf 23448 (the sample's) of the first partner with {@link defaultConfFile}. */
  uiConfs?: readonly UiConfConfig[];
  /** cap on request bodies outside uploads (default 1 MiB) */
  maxBodyBytes?: number;
  /** cap on partnerservices2/upload bodies (default 50 MiB) */
  maxUploadBytes?: number;
  /** the double's clock in unix seconds (KS generation and validation, token expiry) */
  now?: () => number;
  /** enable the JSON control API under /__double/ (default true) */
  controlApi?: boolean;
  /** one line per request (the CLI logs to stderr) */
  log?: (line: string) => void;
}

export interface KalturaDouble {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** every request received (control API calls excluded), in order; live array */
  readonly requests: RecordedRequest[];
  /** entries created by partnerservices2/addEntry or {@link KalturaDouble.addEntry}; live array */
  readonly entries: CreatedEntry[];
  /** flavors of those entries (objects are mutable: e.g. `status = FLAVOR_STATUS.READY`); live array */
  readonly flavors: FlavorAsset[];
  /** files received by partnerservices2/upload; live array */
  readonly uploads: StoredUpload[];
  /** every KS the double issued; live array */
  readonly sessions: IssuedSession[];
  readonly partners: ReadonlyMap<string, Partner>;
  readonly appTokens: ReadonlyMap<string, AppToken>;
  readonly uiConfs: ReadonlyMap<string, UiConf>;
  addPartner(config: PartnerConfig): Partner;
  /** adds (or replaces, same id) an app token; the returned object can be mutated (status, expiry…) */
  addAppToken(config?: AppTokenConfig): AppToken;
  /** deletes an app token: sessions it issued become invalid (LOGOUT), startSession → APP_TOKEN_ID_NOT_FOUND */
  deleteAppToken(id: string): void;
  addUiConf(config: UiConfConfig): UiConf;
  /** creates an entry without an upload, with the default flavors (original, one ready, one converting) */
  addEntry(config?: EntryConfig): CreatedEntry;
  /** the flavors of an entry, in creation order */
  flavorsOf(entryId: string): FlavorAsset[];
  /** a fault applied to every matching request until cleared (null clears) */
  setFault(fault: Fault | null, filter?: FaultFilter): void;
  /** a one-shot fault consumed by the next matching request (queued faults go before the global one) */
  enqueueFault(fault: Fault, filter?: FaultFilter): void;
  /** queued one-shot faults not yet consumed */
  pendingFaults(): readonly QueuedFault[];
  /** drop the global and all queued faults */
  clearFaults(): void;
  /** `METHOD url` of every recorded request */
  requestLines(): string[];
  /** recorded requests whose URL ('url'), body ('body') or URL, body or headers ('any', the default) contain `text` */
  requestsContaining(text: string, where?: 'url' | 'body' | 'any'): RecordedRequest[];
  /** forget recorded requests, uploads, entries, flavors and sessions (partners, tokens and faults stay) */
  clearRecords(): void;
  /** the double's clock (unix seconds) */
  now(): number;
  /** replace the clock (null: real time) */
  setClock(now: (() => number) | null): void;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
export const DEFAULT_PARTNER: PartnerConfig = {
  partnerId: 1234,
  adminSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
  userSecret: '0f9e8d7c6b5a49382716a5b4c3d2e1f0',
};
export const DEFAULT_UI_CONF_ID = 23448;
export const FAULT_HEADER = 'x-kaltura-double-fault';
const CONTROL_PREFIX = '/__double/';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function normalizeAddress(addr: string | undefined): string {
  if (!addr) return '';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

function hugeBody(route: Route, bytes: number): { body: Buffer; contentType: string } {
  const json = route.kind === 'api_v3' && route.format === 'json';
  const head = json ? '"' : '<?xml version="1.0" encoding="utf-8"?><xml><result>';
  const tail = json ? '"' : '</result></xml>';
  const fill = Math.max(0, bytes - head.length - tail.length);
  const body = Buffer.alloc(head.length + fill + tail.length, 0x41);
  body.write(head, 0, 'latin1');
  body.write(tail, head.length + fill, 'latin1');
  return { body, contentType: json ? 'application/json' : 'text/xml; charset=utf-8' };
}

export async function startKalturaDouble(options: KalturaDoubleOptions = {}): Promise<KalturaDouble> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? MiB;
  const maxUploadBytes = options.maxUploadBytes ?? 50 * MiB;
  const controlApi = options.controlApi ?? true;
  const log = options.log;

  const state = new DoubleState(options.now);
  for (const p of options.partners && options.partners.length > 0 ? options.partners : [DEFAULT_PARTNER]) {
    state.addPartner(p);
  }
  for (const t of options.appTokens ?? []) state.addAppToken(t);
  for (const u of options.uiConfs ?? [{ id: DEFAULT_UI_CONF_ID }]) state.addUiConf(u, defaultConfFile());

  const requests: RecordedRequest[] = [];
  let seq = 0;
  let globalFault: QueuedFault | null = null;
  const queue: QueuedFault[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();

  function takeFault(operation: string | null, header: string | undefined): Fault | null | 'bad-header' {
    if (header !== undefined) {
      try {
        return parseFault(JSON.parse(header));
      } catch {
        return 'bad-header';
      }
    }
    if (operation === null) return null;
    const i = queue.findIndex((q) => filterMatches(q.filter, operation));
    if (i >= 0) return queue.splice(i, 1)[0]!.fault;
    if (globalFault && filterMatches(globalFault.filter, operation)) return globalFault.fault;
    return null;
  }

  function send(res: ServerResponse, record: RecordedRequest | null, result: HandlerResult, extraHeaders: Record<string, string> = {}): void {
    const body = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
    if (record) record.status = result.status;
    if (res.destroyed) return;
    res.writeHead(result.status, {
      'Content-Type': result.contentType,
      'Content-Length': String(body.length),
      ...result.headers,
      ...extraHeaders,
    });
    res.end(body);
  }

  async function sendWithFault(
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    fault: Fault,
    normal: () => HandlerResult,
    route: Route,
    corsHeaders: Record<string, string>,
  ): Promise<void> {
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms, closing.signal);
        send(res, record, normal(), corsHeaders);
        return;
      case 'reset':
        record.status = null;
        req.socket.resetAndDestroy();
        return;
      case 'no-answer':
        record.status = null;
        return; // the socket is destroyed by the client, or by close()
      case 'http5xx': {
        const status = fault.status ?? 503;
        const titles: Record<number, string> = {
          500: 'Internal Server Error',
          502: 'Bad Gateway',
          503: 'Service Temporarily Unavailable',
          504: 'Gateway Time-out',
        };
        const title = titles[status] ?? 'Server Error';
        send(res, record, { status, contentType: 'text/html', body: htmlPage(status, title, 'The server is temporarily unable to service your request.') }, corsHeaders);
        return;
      }
      case 'html':
        send(
          res,
          record,
          {
            status: fault.status ?? 200,
            contentType: 'text/html; charset=UTF-8',
            body: htmlPage(fault.status ?? 200, 'Kaltura is down for maintenance', 'We will be back shortly.'),
          },
          corsHeaders,
        );
        return;
      case 'kaltura-error': {
        if (route.kind === 'api_v3') {
          const template = API_ERROR_TEMPLATES[fault.code];
          const names = template ? template.args : Object.keys(fault.args ?? {});
          const values = { ...faultArgsFromRequest(route), ...fault.args };
          const error = apiError(fault.code, values, { argNames: names, message: fault.message });
          send(res, record, renderApiError(recordContext(record), route.format, error), corsHeaders);
        } else if (route.kind === 'ps2') {
          send(res, record, ps2FaultResponse(state, recordContext(record), route, fault.code, fault.message), corsHeaders);
        } else {
          send(res, record, normal(), corsHeaders);
        }
        return;
      }
      case 'truncated-xml': {
        const result = normal();
        const full = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
        const keep = Math.min(full.length, fault.bytes ?? Math.floor(full.length / 2));
        send(res, record, { ...result, body: full.subarray(0, Math.max(0, keep)) }, corsHeaders);
        return;
      }
      case 'huge-body': {
        const { body, contentType } = hugeBody(route, fault.bytes ?? 2 * MiB + 1);
        record.status = 200;
        if (res.destroyed) return;
        const headers: Record<string, string> = { 'Content-Type': contentType, ...corsHeaders };
        if (!fault.chunked) headers['Content-Length'] = String(body.length);
        res.writeHead(200, headers);
        // written in pieces so a client that stops reading early does not hold it all in flight
        for (let off = 0; off < body.length && !res.destroyed; off += 64 * 1024) {
          const ok = res.write(body.subarray(off, off + 64 * 1024));
          if (!ok) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                res.off('drain', done);
                res.off('close', done);
                resolve();
              };
              res.on('drain', done);
              res.on('close', done);
            });
          }
        }
        if (!res.destroyed) res.end();
        return;
      }
      case 'slow-drip': {
        const result = normal();
        const body = typeof result.body === 'string' ? Buffer.from(result.body, 'utf8') : result.body;
        const chunk = fault.chunkBytes ?? 16;
        const interval = fault.intervalMs ?? 50;
        record.status = result.status;
        if (res.destroyed) return;
        res.writeHead(result.status, {
          'Content-Type': result.contentType,
          'Content-Length': String(body.length),
          ...result.headers,
          ...corsHeaders,
        });
        res.flushHeaders();
        for (let off = 0; off < body.length; off += chunk) {
          if (res.destroyed || closing.signal.aborted) return;
          if (off > 0) await sleep(interval, closing.signal);
          if (res.destroyed || closing.signal.aborted) return;
          res.write(body.subarray(off, off + chunk));
        }
        res.end();
        return;
      }
    }
  }

  const contexts = new WeakMap<RecordedRequest, RequestContext>();
  function recordContext(record: RecordedRequest): RequestContext {
    return contexts.get(record)!;
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<void> {
    const json = (status: number, value: unknown): void => {
      const text = JSON.stringify(value, (_k, v: unknown) => (Buffer.isBuffer(v) ? undefined : v));
      res.writeHead(status, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
      res.end(text);
    };
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return json(400, { error: 'invalid JSON' });
      }
    }
    const what = path.slice(CONTROL_PREFIX.length);
    try {
      if (req.method === 'GET' && what === 'requests') return json(200, requests.map((r) => ({ ...r, body: undefined })));
      if (req.method === 'GET' && what === 'entries') return json(200, state.entries.map((e) => ({ ...e, upload: e.upload ? { ...e.upload, data: undefined } : null })));
      if (req.method === 'GET' && what === 'flavors') return json(200, state.flavors.map((f) => ({ ...f, data: undefined })));
      if (req.method === 'POST' && what === 'entries') {
        const entry = api.addEntry(input as EntryConfig);
        return json(200, { ...entry, flavors: state.flavorsOf(entry.id).map((f) => ({ ...f, data: undefined })) });
      }
      if (req.method === 'GET' && what === 'uploads') return json(200, state.uploads.map((u) => ({ ...u, data: undefined })));
      if (req.method === 'GET' && what === 'sessions') return json(200, state.sessions);
      if (req.method === 'GET' && what === 'app-tokens') return json(200, [...state.appTokens.values()]);
      if (req.method === 'POST' && what === 'faults') {
        api.enqueueFault(parseFault(input.fault), parseFaultFilter(input.filter));
        return json(200, { queued: queue.length });
      }
      if (req.method === 'PUT' && what === 'fault') {
        api.setFault(input.fault === null || input.fault === undefined ? null : parseFault(input.fault), parseFaultFilter(input.filter));
        return json(200, { ok: true });
      }
      if (req.method === 'DELETE' && what === 'faults') {
        api.clearFaults();
        return json(200, { ok: true });
      }
      if (req.method === 'POST' && what === 'app-tokens') return json(200, api.addAppToken(input as AppTokenConfig));
      if (req.method === 'POST' && what === 'partners') return json(200, api.addPartner(input as unknown as PartnerConfig));
      if (req.method === 'POST' && what === 'reset') {
        api.clearRecords();
        return json(200, { ok: true });
      }
    } catch (e) {
      return json(400, { error: (e as Error).message });
    }
    return json(404, { error: `unknown control call ${req.method} ${path}` });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const qIndex = url.indexOf('?');
    const rawPath = qIndex < 0 ? url : url.slice(0, qIndex);
    let path: string;
    try {
      path = decodeURIComponent(rawPath).replace(/\/{2,}/g, '/');
    } catch {
      path = rawPath;
    }
    const query = new URLSearchParams(qIndex < 0 ? '' : url.slice(qIndex + 1));
    const ps2 = isPs2Path(path);
    const corsHeaders: Record<string, string> = ps2 ? { ...PS2_CORS_HEADERS } : {};
    const isControl = controlApi && path.startsWith(CONTROL_PREFIX);

    // read the body, capped
    const cap = ps2 && ps2ActionOf(path) === 'upload' ? maxUploadBytes : maxBodyBytes;
    const chunks: Buffer[] = [];
    let truncated = false;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > cap) {
      truncated = true;
    } else {
      const complete = await new Promise<boolean>((resolve) => {
        let size = 0;
        const onData = (chunk: Buffer): void => {
          size += chunk.length;
          if (size > cap) {
            truncated = true;
            req.off('data', onData);
            req.pause();
            resolve(true);
            return;
          }
          chunks.push(chunk);
        };
        req.on('data', onData);
        req.once('end', () => resolve(true));
        req.once('error', () => resolve(false));
        req.once('close', () => resolve(req.complete || truncated));
      });
      if (!complete) return; // the client went away
    }
    const body = Buffer.concat(chunks);

    if (isControl) return handleControl(req, res, path, body);

    const ctx: RequestContext = {
      method,
      url,
      path,
      query,
      headers: req.headers,
      body,
      remoteAddr: normalizeAddress(req.socket.remoteAddress),
      startedAt,
    };
    const route: Route = truncated || method === 'OPTIONS' ? { kind: 'unknown', operation: null } : classify(ctx);
    const operation = method === 'OPTIONS' ? null : truncated ? (ps2 ? `ps2.${ps2ActionOf(path)}` : null) : route.operation;
    const record: RecordedRequest = {
      seq: ++seq,
      at: Date.now(),
      method,
      url,
      line: `${method} ${url}`,
      path,
      query: Object.fromEntries(query),
      headers: { ...req.headers },
      body,
      bodyText: body.toString('utf8'),
      bodyTruncated: truncated,
      operation,
      params: route.kind === 'unknown' ? null : Object.fromEntries(route.params),
      fault: null,
      status: null,
    };
    requests.push(record);
    contexts.set(record, ctx);
    res.on('finish', () => log?.(`${method} ${path} → ${record.status ?? '-'} ${(performance.now() - startedAt).toFixed(1)}ms`));

    if (truncated) {
      send(res, record, { status: 413, contentType: 'text/html', body: htmlPage(413, 'Request Entity Too Large', 'The request body is too large.') }, { ...corsHeaders, Connection: 'close' });
      res.on('finish', () => req.socket.destroy());
      return;
    }
    if (method === 'OPTIONS') {
      send(res, record, ps2Preflight(req.headers['access-control-request-headers']));
      return;
    }
    if (route.kind === 'unknown') {
      send(res, record, { status: 404, contentType: 'text/html', body: htmlPage(404, 'Not Found', `The requested URL ${path} was not found on this server.`) });
      return;
    }

    const headerFault = req.headers[FAULT_HEADER];
    const fault = takeFault(route.operation, Array.isArray(headerFault) ? headerFault[0] : headerFault);
    if (fault === 'bad-header') {
      send(res, record, { status: 400, contentType: 'text/plain', body: `bad ${FAULT_HEADER} header\n` });
      return;
    }
    const normal = (): HandlerResult => {
      try {
        if (route.kind === 'api_v3') return handleApiV3(state, ctx, route);
        if (route.kind === 'serve') return handleServe(state, ctx, route);
        return handlePs2(state, ctx, route);
      } catch (e) {
        log?.(`internal error: ${(e as Error).stack ?? String(e)}`);
        if (route.kind === 'api_v3') return renderApiError(ctx, route.format, apiError('INTERNAL_SERVERL_ERROR'));
        if (route.kind === 'serve') return { status: 500, contentType: 'text/html', body: htmlPage(500, 'Internal Server Error', 'The server failed.') };
        return ps2FaultResponse(state, ctx, route, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      }
    };
    if (fault === null) {
      send(res, record, normal(), corsHeaders);
      return;
    }
    record.fault = fault;
    await sendWithFault(req, res, record, fault, normal, route, corsHeaders);
  }

  const server: Server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log?.(`double failure: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('kaltura double failure\n');
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed: Promise<void> | null = null;
  const api: KalturaDouble = {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    entries: state.entries,
    flavors: state.flavors,
    uploads: state.uploads,
    sessions: state.sessions,
    partners: state.partners,
    appTokens: state.appTokens,
    uiConfs: state.uiConfs,
    addPartner: (config) => state.addPartner(config),
    addAppToken: (config) => state.addAppToken(config),
    deleteAppToken(id) {
      const token = state.appTokens.get(id);
      if (token) token.status = 'deleted';
    },
    addUiConf: (config) => state.addUiConf(config, defaultConfFile()),
    addEntry: (config) => addEntry(state, config),
    flavorsOf: (entryId) => state.flavorsOf(entryId),
    setFault(fault, filter = {}) {
      globalFault = fault === null ? null : { fault, filter };
    },
    enqueueFault(fault, filter = {}) {
      queue.push({ fault, filter });
    },
    pendingFaults: () => [...queue],
    clearFaults() {
      globalFault = null;
      queue.length = 0;
    },
    requestLines: () => requests.map((r) => r.line),
    requestsContaining(text, where = 'any') {
      return requests.filter((r) => {
        const inUrl = r.url.includes(text);
        const inBody = r.bodyText.includes(text);
        if (where === 'url') return inUrl;
        if (where === 'body') return inBody;
        return inUrl || inBody || Object.values(r.headers).some((v) => (Array.isArray(v) ? v.join('\n') : (v ?? '')).includes(text));
      });
    },
    clearRecords() {
      requests.length = 0;
      state.entries.length = 0;
      state.flavors.length = 0;
      state.uploads.length = 0;
      state.sessions.length = 0;
    },
    now: () => state.now(),
    setClock: (now) => state.setClock(now),
    close() {
      if (!closed) {
        closing.abort();
        closed = new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
          server.closeAllConnections();
        });
      }
      return closed;
    },
  };
  return api;
}
