/**
 * The few logger methods services and issuers use. The request's own logger (Fastify's, with
 * its reqId) is passed to them explicitly: an AsyncLocalStorage context would tax every promise.
 */
export interface LineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
