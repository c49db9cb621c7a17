/**
 * The one HTTP exchange with Kaltura: a form POST (parameters, secrets included, only in the
 * body), read with a byte cap and under the caller's deadline. Knows nothing of Kaltura's formats.
 */

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

/**
 * POSTs `params` as application/x-www-form-urlencoded to `url` (which must carry no secret) and
 * reads the answer (at most `maxBytes`). Redirects are not followed: they would resend the body.
 * Throws TransportError; any HTTP status is returned, not thrown.
 */
export async function postForm(url: string, params: Readonly<Record<string, string>>, options: PostOptions): Promise<HttpAnswer> {
  const { signal } = options;
  const maxBytes = options.maxBytes ?? MAX_ANSWER_BYTES;
  if (signal.aborted) throw new TransportError('timeout', 'deadline passed before the request');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json, text/xml;q=0.9, */*;q=0.1',
        'user-agent': options.userAgent ?? 'canvas-kaltura-services',
      },
      body: new URLSearchParams(params).toString(),
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw new TransportError('timeout', 'no answer');
    throw new TransportError('connection', errorCode(err));
  }
  const contentType = response.headers.get('content-type') ?? '';
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new TransportError('too_large', `answer of ${declared} bytes`);
  }
  const body = await readCapped(response, maxBytes, signal);
  return { status: response.status, contentType, body };
}

async function readCapped(response: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new TransportError('too_large', `answer over ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof TransportError) throw err;
    await reader.cancel().catch(() => {});
    if (signal.aborted) throw new TransportError('timeout', 'answer not complete in time');
    throw new TransportError('connection', errorCode(err));
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}
