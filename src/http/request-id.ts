/**
 * The request id: the client's `X-Request-Id` when it is a plain token (so a proxy's id carries
 * through the logs), else a fresh UUID. Every answer echoes it.
 */
import { randomUUID } from 'node:crypto';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request whose `X-Request-Id` header is `incoming`. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
}
