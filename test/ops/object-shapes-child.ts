/**
 * Run by object-shapes.test.ts as `node --allow-natives-syntax --expose-gc --import tsx
 * test/ops/object-shapes-child.ts app|plain`: serves six requests, lets them die, collects the
 * garbage, serves two more, then prints whether the last request's request and response objects
 * (once answered) and a newly made pair still have fast (not dictionary) properties. `app` serves
 * through the service's own app; `plain` through a node:http server made without it (the control:
 * V8 fixes the objects' size on the seventh).
 */
import { createServer, request, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp } from '../helper.js';

const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** whether the last answered request's own request and response objects had fast properties, once answered */
let served = { request: false, response: false };
const record = (req: object, res: object) => (served = { request: hasFastProperties(req), response: hasFastProperties(res) });

let server: Server;
let close: () => Promise<void>;
if (process.argv[2] === 'app') {
  const t = await createTestApp({
    testRoutes: (app) => {
      app.addHook('onResponse', (request, reply, done) => {
        record(request.raw, reply.raw);
        done();
      });
    },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  server = t.app.server;
  close = () => t.close();
} else {
  server = createServer((req, res) => {
    res.end('ok');
    record(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
}
const { port } = server.address() as AddressInfo;
for (let i = 0; i < 6; i++) await get(port, '/health/live');
// the six connections closed, their requests and responses are garbage: a full collection drops their shapes
await new Promise((resolve) => setTimeout(resolve, 200));
gc();
gc();
for (let i = 0; i < 2; i++) await get(port, '/health/live');
const req = new IncomingMessage(null as never);
const res = new ServerResponse(req);
process.stdout.write(JSON.stringify({ served, made: { request: hasFastProperties(req), response: hasFastProperties(res) } }) + '\n');
await close();
