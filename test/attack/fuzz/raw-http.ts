/**
 * Sends bytes to a server over a fresh TCP connection, exactly as given (no client-side
 * normalisation of methods, paths, headers or framing), and reads the first final response.
 */
import { connect } from 'node:net';

/** What came back: the first non-1xx status, its headers and body, or why there was none. */
export interface RawResponse {
  /** null when the server closed without a (parseable) response, or the client gave up */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  /** 'closed' (no response before close), 'timeout' or 'error' when status is null */
  outcome: 'response' | 'closed' | 'timeout' | 'error';
}

/** One response read from a response stream, and where it ends in it. */
export interface ParsedResponse extends Omit<RawResponse, 'outcome'> {
  /** the offset just past this response: where the next one starts */
  end: number;
  /** false when the stream stops before the body's Content-Length */
  complete: boolean;
}

/**
 * Reads the final response (skipping 100 Continue) that starts at `offset` of the raw bytes of a
 * response stream; null before its head is whole. A response to HEAD, a 204 and a 304 have no
 * body whatever their Content-Length.
 */
export function parseResponseAt(raw: Buffer, offset = 0, headRequest = false): ParsedResponse | null {
  for (;;) {
    const end = raw.indexOf('\r\n\r\n', offset, 'latin1');
    if (end < 0) return null;
    const head = raw.subarray(offset, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/\d\.\d (\d{3})/.exec(head[0] ?? '');
    if (!m) return null;
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (status >= 100 && status < 200) {
      offset = end + 4;
      continue;
    }
    if (headRequest || status === 204 || status === 304) return { status, headers, body: '', end: end + 4, complete: true };
    let body = raw.subarray(end + 4);
    const length = headers['content-length'];
    const complete = length === undefined || !/^\d+$/.test(length) || body.length >= Number(length);
    if (length !== undefined && /^\d+$/.test(length)) body = body.subarray(0, Number(length));
    return { status, headers, body: body.toString('utf8'), end: end + 4 + body.length, complete };
  }
}

/** The first final response of a response stream (its body cut at Content-Length), or null. */
export function parseFirstResponse(raw: Buffer, headRequest = false): Omit<RawResponse, 'outcome'> | null {
  const r = parseResponseAt(raw, 0, headRequest);
  return r && { status: r.status, headers: r.headers, body: r.body };
}

/** Writes `bytes`, half-closes, and resolves with the first final response. */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 5000): Promise<RawResponse> {
  const headRequest = bytes.subarray(0, 5).toString('latin1') === 'HEAD ';
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (outcome: RawResponse['outcome']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const parsed = parseFirstResponse(Buffer.concat(chunks), headRequest);
      resolve(parsed ? { ...parsed, outcome: 'response' } : { status: null, headers: {}, body: '', outcome });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('error'));
  });
}
