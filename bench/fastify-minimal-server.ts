/**
 * The framework's floor: Fastify with no logger, hooks or plugins, one route per canned answer,
 * answering the same bytes as the bare baseline. Between the bare server and the service, it
 * shows what Fastify itself costs per request. Usage as bench/baseline-server.ts (answers file);
 * prints `fastify-minimal listening on http://127.0.0.1:<port>`.
 *
 * With `--floor` as the second argument it adds, in one callback hook, the work every request to
 * the service owes whatever its implementation: a request id (`randomUUID`), the token's
 * HMAC-SHA256 under a `KeyObject` (tokens are stored only as HMACs), and the service's response
 * headers (`X-Request-Id`, `X-Canvas-User-Id`, `X-Content-Type-Options`, `Cache-Control`).
 */
import { readFileSync } from 'node:fs';
import { createHmac, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { CannedAnswers } from './baseline-server.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: fastify-minimal-server.ts <answers.json> [--floor]');
const floor = process.argv[3] === '--floor';
const answers = JSON.parse(readFileSync(file, 'utf8')) as CannedAnswers;
const app = Fastify({ logger: false });
// one route per method and URL (the bare server also keys by Host; every answer here is the same per URL)
const routes = new Map<string, { status: number; contentType: string; body: string }>();
for (const [key, answer] of Object.entries(answers)) {
  const [method, , url] = key.split(' ') as [string, string, string];
  routes.set(`${method} ${url}`, answer);
}
if (floor) {
  const key = createSecretKey(randomBytes(32));
  app.addHook('onRequest', (req, reply, done) => {
    const auth = req.headers.authorization ?? '';
    const hmac = createHmac('sha256', key).update(auth.slice(7), 'utf8').digest('hex');
    reply
      .header('x-request-id', randomUUID())
      .header('x-canvas-user-id', String(hmac.charCodeAt(0)))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store');
    done();
  });
}
const paths = new Set([...routes.keys()].map((key) => key.split('?')[0]!));
for (const key of paths) {
  const [method, path] = key.split(' ') as [string, string];
  app.route({
    method: method as 'GET',
    url: path,
    handler: (req, reply) => {
      const answer = routes.get(`${req.method} ${req.url}`);
      if (answer === undefined) return void reply.code(404).send('not found\n');
      void reply.code(answer.status).type(answer.contentType).send(answer.body);
    },
  });
}
// bodies of any type are read and ignored, as the bare server does
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined));
app.listen({ port: Number(process.env['PORT'] ?? 0), host: '127.0.0.1' }).then((address) => process.stdout.write(`fastify-minimal listening on ${address}\n`));
const stop = (): void => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
