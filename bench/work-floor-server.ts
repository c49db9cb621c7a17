/**
 * A bare node:http server that does a set amount of synthetic work per request, for
 * bench/work-floor.ts: `node --import tsx bench/work-floor-server.ts <where>:<µs>[:cache]`.
 * It answers every request with the same JSON body (the length of a session answer) and the six
 * headers the service's fast lane sends, the answers of one turn of the event loop written
 * together at `setImmediate`, as the service writes a group commit's answers. The work is a
 * busy loop of `<µs>` per request: `arrival` runs it as the request is read (as the service
 * mints a KS), `answer` just before each answer is written (between one answer's write and the
 * next); `cache` makes the loop walk a 4 MiB buffer, pushing the server's own code and data out
 * of the CPU caches as a larger program does, instead of spinning in a few cache lines.
 * Prints `work-floor listening on http://127.0.0.1:<port>` once it listens.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

const [where = 'arrival', usArg = '0', kind = 'spin'] = (process.argv[2] ?? '').split(':');
const workUs = Number(usArg);
if ((where !== 'arrival' && where !== 'answer') || !(workUs >= 0) || (kind !== 'spin' && kind !== 'cache')) {
  throw new Error('usage: work-floor-server.ts <arrival|answer>:<µs>[:cache]');
}

const BODY = JSON.stringify({ ks: `djJ8${'A'.repeat(296)}`, subp_id: '12345600', partner_id: '123456', uid: '1_1', serverTime: 1_800_000_000 });
const memory = new Uint8Array(4 << 20);
let at = 0;

/** `workUs` of CPU: a spin on the clock, or (cache) a walk over `memory` in 4,160-byte strides. */
function work(): void {
  const end = performance.now() + workUs / 1000;
  if (kind === 'spin') {
    while (performance.now() < end);
    return;
  }
  while (performance.now() < end) {
    for (let i = 0; i < 64; i++) {
      memory[at] = (memory[at]! + 1) & 255;
      at = (at + 4160) % memory.length;
    }
  }
}

let n = 0;
function answer(res: ServerResponse): void {
  if (workUs > 0 && where === 'answer') work();
  n++;
  res.writeHead(200, {
    'x-request-id': `0b8e3c1a-5d2f-4e6a-9c7b-${String(n % 1e12).padStart(12, '0')}`,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'x-canvas-user-id': String(n % 10),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(BODY),
  });
  res.end(BODY);
}

let waiting: ServerResponse[] = [];
function answerAll(): void {
  const batch = waiting;
  waiting = [];
  for (const res of batch) answer(res);
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  req.read(0); // no body is sent; as the service's lane, mark it read
  if (workUs > 0 && where === 'arrival') work();
  if (waiting.push(res) === 1) setImmediate(answerAll);
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`work-floor listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
