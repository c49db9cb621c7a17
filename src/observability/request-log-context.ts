/**
 * The logger of the request being served, reachable from code that has no request in hand
 * (services, issuers, background work started by a request), so its lines carry the `reqId`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** The few logger methods background code uses (pino's and Fastify's loggers fit). */
export interface LineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const store = new AsyncLocalStorage<LineLogger>();

/** Runs `fn` (and everything it starts) with `logger` as the current request's logger. */
export function runWithRequestLogger<T>(logger: LineLogger, fn: () => T): T {
  return store.run(logger, fn);
}

/** The current request's logger, or `fallback` outside any request. */
export function requestLogger(fallback: LineLogger | null = null): LineLogger | null {
  return store.getStore() ?? fallback;
}
