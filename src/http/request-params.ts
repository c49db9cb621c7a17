/** Reading Canvas-style parameters: the body (JSON or form) wins over the query string. */
import type { FastifyRequest } from 'fastify';

function field(source: unknown, name: string): unknown {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return undefined;
  return Object.prototype.hasOwnProperty.call(source, name) ? (source as Record<string, unknown>)[name] : undefined;
}

/** The value of parameter `name` from the body, else the query string; repeated values → the last. */
export function param(request: FastifyRequest, name: string): unknown {
  const fromBody = field(request.body, name);
  const value = fromBody !== undefined ? fromBody : field(request.query, name);
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value[value.length - 1] : value;
}

/** The request path without its query string. */
export function requestPath(request: FastifyRequest): string {
  const url = request.url;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
