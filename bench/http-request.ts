/** One HTTP request with any headers (fetch drops `Host`, which selects the root account). */
import { request } from 'node:http';

/** An answer read whole. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Sends `method url` with `headers` (and no body) and reads the answer. */
export function httpRequest(method: string, url: string, headers: Record<string, string>): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}
