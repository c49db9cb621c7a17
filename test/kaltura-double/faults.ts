/** Fault injection: shapes, matching and parsing. Applying them lives in kaltura-double.ts. */

/**
 * Operation names the double knows. Filters compare case-insensitively; `ps2.*`, `serve.*`, `api_v3.*`
 * (every api_v3 action) and `*` act as wildcards.
 */
export type Operation =
  | 'session.start'
  | 'session.startWidgetSession'
  | 'session.get'
  | 'session.end'
  | 'appToken.startSession'
  | 'ps2.getuiconf'
  | 'ps2.upload'
  | 'ps2.addEntry'
  | 'media.get'
  | 'flavorAsset.list'
  | 'flavorAsset.getByEntryId'
  | 'serve.download'
  | 'serve.thumbnail'
  | (string & {});

export type Fault =
  /** wait `ms`, then answer normally */
  | { kind: 'latency'; ms: number }
  /** answer with HTTP `status` (default 503) and a small HTML body */
  | { kind: 'http5xx'; status?: number }
  /** answer HTTP `status` (default 200) with an HTML error page instead of XML/JSON */
  | { kind: 'html'; status?: number }
  /** the real body cut after `bytes` bytes (default: half of it); Content-Length matches what is sent */
  | { kind: 'truncated-xml'; bytes?: number }
  /** TCP reset once the request has been read */
  | { kind: 'reset' }
  /** read the request, never answer (the socket stays open until the client gives up or close()) */
  | { kind: 'no-answer' }
  /**
   * a Kaltura error body instead of the real answer (api_v3: KalturaAPIException in the request's
   * format, HTTP 200; ps2: an `<error><num_0>` envelope). `args` default from the request
   * (PID ← partnerId, KSID ← ks, ID ← id, WIDGET_ID ← widgetId, PARAM_NAME ← 'secret', …).
   */
  | { kind: 'kaltura-error'; code: string; message?: string; args?: Readonly<Record<string, string>> }
  /** the real body sent `chunkBytes` (default 16) at a time every `intervalMs` (default 50) */
  | { kind: 'slow-drip'; chunkBytes?: number; intervalMs?: number }
  /**
   * a 200 answer of `bytes` (default 2 MiB + 1) shaped like the expected format (an XML result or a
   * JSON string). `chunked: true` leaves out Content-Length.
   */
  | { kind: 'huge-body'; bytes?: number; chunked?: boolean };

export type FaultKind = Fault['kind'];

export interface FaultFilter {
  /** operation name(s), e.g. 'session.start', 'appToken.startSession', 'ps2.upload', 'ps2.*' */
  operation?: Operation | readonly Operation[];
}

export interface QueuedFault {
  fault: Fault;
  filter: FaultFilter;
}

function opMatches(pattern: string, operation: string): boolean {
  const p = pattern.toLowerCase();
  const o = operation.toLowerCase();
  if (p === '*' || p === o) return true;
  if (p === 'api_v3.*') return !o.startsWith('ps2.') && !o.startsWith('serve.');
  if (p.endsWith('.*')) return o.startsWith(p.slice(0, -1));
  return false;
}

export function filterMatches(filter: FaultFilter | undefined, operation: string): boolean {
  if (!filter || filter.operation === undefined) return true;
  const ops = typeof filter.operation === 'string' ? [filter.operation] : filter.operation;
  return ops.some((p) => opMatches(p, operation));
}

const KINDS: readonly FaultKind[] = [
  'latency',
  'http5xx',
  'html',
  'truncated-xml',
  'reset',
  'no-answer',
  'kaltura-error',
  'slow-drip',
  'huge-body',
];

function optNumber(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new TypeError(`fault.${name} must be a number in [${min}, ${max}]`);
  }
  return v;
}

/** Validate an untrusted fault (from JSON: the control endpoint or the X-Kaltura-Double-Fault header). */
export function parseFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) throw new TypeError('fault must be an object');
  const o = input as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    throw new TypeError(`fault.kind must be one of ${KINDS.join(', ')}`);
  }
  switch (kind as FaultKind) {
    case 'latency':
      return { kind: 'latency', ms: optNumber(o.ms, 'ms', 0, 600_000) ?? 0 };
    case 'http5xx': {
      const status = optNumber(o.status, 'status', 500, 599);
      return status === undefined ? { kind: 'http5xx' } : { kind: 'http5xx', status };
    }
    case 'html': {
      const status = optNumber(o.status, 'status', 200, 599);
      return status === undefined ? { kind: 'html' } : { kind: 'html', status };
    }
    case 'truncated-xml': {
      const bytes = optNumber(o.bytes, 'bytes', 0, 1 << 30);
      return bytes === undefined ? { kind: 'truncated-xml' } : { kind: 'truncated-xml', bytes };
    }
    case 'reset':
      return { kind: 'reset' };
    case 'no-answer':
      return { kind: 'no-answer' };
    case 'kaltura-error': {
      if (typeof o.code !== 'string' || !/^[A-Z0-9_]{1,100}$/.test(o.code)) {
        throw new TypeError('fault.code must be a Kaltura error code');
      }
      const f: Fault = { kind: 'kaltura-error', code: o.code };
      if (typeof o.message === 'string') f.message = o.message;
      if (typeof o.args === 'object' && o.args !== null) {
        const args: Record<string, string> = {};
        for (const [k, v] of Object.entries(o.args as Record<string, unknown>)) args[k] = String(v);
        f.args = args;
      }
      return f;
    }
    case 'slow-drip': {
      const f: Fault = { kind: 'slow-drip' };
      const chunkBytes = optNumber(o.chunkBytes, 'chunkBytes', 1, 1 << 20);
      const intervalMs = optNumber(o.intervalMs, 'intervalMs', 0, 60_000);
      if (chunkBytes !== undefined) f.chunkBytes = chunkBytes;
      if (intervalMs !== undefined) f.intervalMs = intervalMs;
      return f;
    }
    case 'huge-body': {
      const f: Fault = { kind: 'huge-body' };
      const bytes = optNumber(o.bytes, 'bytes', 1, 1 << 30);
      if (bytes !== undefined) f.bytes = bytes;
      if (o.chunked === true) f.chunked = true;
      return f;
    }
  }
}

export function parseFaultFilter(input: unknown): FaultFilter {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw new TypeError('filter must be an object');
  const op = (input as Record<string, unknown>).operation;
  if (op === undefined) return {};
  if (typeof op === 'string') return { operation: op };
  if (Array.isArray(op) && op.every((x) => typeof x === 'string')) return { operation: op as string[] };
  throw new TypeError('filter.operation must be a string or a list of strings');
}
