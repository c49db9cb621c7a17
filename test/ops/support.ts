/** Shared bits of the operations tests: a log line collector and a port nobody listens on. */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { loggerOptions } from '../../src/http/app.js';

/** Collects the service's JSON log lines (through the production logger options). */
export function logCollector(level = 'info') {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  return {
    logger: loggerOptions(level, stream),
    /** every line so far, parsed */
    lines: (): Array<Record<string, unknown>> =>
      raw
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => raw.join(''),
  };
}

/** A loopback port that was just free (connections to it are refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
