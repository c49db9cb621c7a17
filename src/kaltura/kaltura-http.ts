/**
 * The one HTTP exchange with Kaltura: a form POST (parameters, secrets included, only in the
 * body), read with a byte cap and under the caller's deadline. Knows nothing of Kaltura's formats.
 */
import http from 'node:http';
import https from 'node:https';

/** Largest answer read from Kaltura; anything bigger is abandoned. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** What went wrong on the wire. */
export type TransportFailureKind = 'timeout' | 'connection' | 'too_large';

/** A failure below HTTP semantics: no answer, a broken connection, an oversized body. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailureKind,
    /** safe detail (an error code such as ECONNREFUSED), never a URL with parameters or a body */
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'TransportError';
  }
}

/** An HTTP answer with its body read as text. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface PostOptions {
  signal: AbortSignal;
  maxBytes?: number;
  userAgent?: string;
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return 'connection failed';
}

/** Keep-alive connections to Kaltura, one pool per scheme (fetch cost ~0.5 ms CPU per call). */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 }),
};

/**
 * POSTs `params` as application/x-www-form-urlencoded to `url` (which must carry no secret) and
 * reads the answer (at most `maxBytes`). Redirects are not followed: they would resend the body.
 * Throws TransportError; any HTTP status is returned, not thrown.
 */
export function postForm(url: string, params: Readonly<Record<string, string>>, options: PostOptions): Promise<HttpAnswer> {
  const { signal } = options;
  const maxBytes = options.maxBytes ?? MAX_ANSWER_BYTES;
  if (signal.aborted) return Promise.reject(new TransportError('timeout', 'deadline passed before the request'));
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new TransportError('connection', 'invalid Kaltura URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new TransportError('connection', 'unsupported protocol'));
  }
  const body = new URLSearchParams(params).toString();
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    let answering = false;
    const finish = (err: TransportError | null, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(answer!);
      }
    };
    const onAbort = () => finish(new TransportError('timeout', answering ? 'answer not complete in time' : 'no answer'));
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, {
      method: 'POST',
      agent: AGENTS[target.protocol as 'http:' | 'https:'],
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        accept: 'application/json, text/xml;q=0.9, */*;q=0.1',
        'user-agent': options.userAgent ?? 'canvas-kaltura-services',
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => finish(signal.aborted ? new TransportError('timeout', 'no answer') : new TransportError('connection', errorCode(err))));
    req.on('response', (res) => {
      answering = true;
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        finish(new TransportError('too_large', `answer of ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      res.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          res.destroy();
          finish(new TransportError('too_large', `answer over ${maxBytes} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      res.on('end', () =>
        finish(null, { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (err) => finish(signal.aborted ? new TransportError('timeout', 'answer not complete in time') : new TransportError('connection', errorCode(err))));
      res.on('close', () => {
        if (!res.complete) finish(signal.aborted ? new TransportError('timeout', 'answer not complete in time') : new TransportError('connection', 'ECONNRESET'));
      });
    });
    req.end(body);
  });
}
