/** The headers of the fast lane's answers (src/http/fast-lane.ts). */
import type { OutgoingHttpHeader } from 'node:http';

/**
 * An answer's headers, those the full path sets, as one flat list of names and values (the form
 * of `rawHeaders`), which node:http walks without the key-by-key lookups an object takes. `extra`
 * adds its own after the base ones; a base name in it takes the extra's value in its place, as
 * `Object.assign` would; the content type and length are always the JSON body's.
 */
export function answerHeaders(id: string, userId: number, extra: Record<string, string> | null, contentLength: number): OutgoingHttpHeader[] {
  const headers: OutgoingHttpHeader[] = ['x-request-id', id, 'x-content-type-options', 'nosniff', 'cache-control', 'no-store', 'x-canvas-user-id', String(userId)];
  if (extra !== null) {
    for (const name in extra) {
      if (name === 'content-type' || name === 'content-length') continue;
      let at = 0; // the names are at even places
      while (at < headers.length && headers[at] !== name) at += 2;
      if (at < headers.length) headers[at + 1] = extra[name]!;
      else headers.push(name, extra[name]!);
    }
  }
  headers.push('content-type', 'application/json; charset=utf-8', 'content-length', contentLength);
  return headers;
}
