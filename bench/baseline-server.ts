/**
 * The bare baseline: a node:http server that answers the same JSON bodies as the service, byte
 * for byte and with the same content type, with no authentication, no database and no framework.
 * Usage: node --import tsx bench/baseline-server.ts <answers.json>, where the file maps
 * `"<METHOD> <Host> <url>"` to `{ "status": 200, "contentType": "…", "body": "…" }`. Prints
 * `baseline listening on http://127.0.0.1:<port>` once it listens (PORT, default 0 = any).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

/** One canned answer. */
export interface CannedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Canned answers by `"<METHOD> <Host> <url>"` (the Host header picks the root account in the service). */
export type CannedAnswers = Record<string, CannedAnswer>;

/** Creates the baseline server over canned answers (not listening yet). */
export function createBaselineServer(answers: CannedAnswers) {
  const prepared = new Map<string, { status: number; headers: Record<string, string | number>; body: Buffer }>();
  for (const [key, a] of Object.entries(answers)) {
    const body = Buffer.from(a.body, 'utf8');
    prepared.set(key, { status: a.status, headers: { 'content-type': a.contentType, 'content-length': body.length }, body });
  }
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const found = prepared.get(`${req.method} ${req.headers.host} ${req.url}`);
    if (!found) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(found.status, found.headers).end(found.body);
  };
  return createServer((req, res) => {
    // a request with a body is answered once the body has been read, as a real server would
    if (req.method === 'GET' || req.method === 'HEAD') answer(req, res);
    else req.resume().once('end', () => answer(req, res));
  });
}

const file = process.argv[2];
if (file !== undefined) {
  const server = createBaselineServer(JSON.parse(readFileSync(file, 'utf8')) as CannedAnswers);
  server.keepAliveTimeout = 72_000; // as Fastify's default, so idle connections live alike
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    process.stdout.write(`baseline listening on http://127.0.0.1:${port}\n`);
  });
  const stop = (): void => void server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
