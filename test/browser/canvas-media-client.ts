/**
 * Canvas's own media client in a test page: `saveMediaRecording` and `saveClosedCaptions` from the
 * npm package @instructure/canvas-media, bundled with esbuild from that one module (with axios and
 * @instructure/k5uploader, what it imports; none of the package's React UI) and the page's helpers
 * (canvas-media-page.js). The test app — never the production service — serves the page on the
 * service's origin, under a CSP like a Canvas page's (scripts from itself, network calls to itself
 * and to Kaltura), the way Canvas's rich content editor runs the client on Canvas's own pages.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { ROOT } from '../process.js';

/** Where the test page lives on the service's origin (a test-only route). */
export const CLIENT_PAGE_PATH = '/__test__/canvas-media/';
const CLIENT_SCRIPT_PATH = '/__test__/canvas-media/client.js';

/** The page's own helpers, which import Canvas's module. */
const ENTRY = join(ROOT, 'test', 'browser', 'canvas-media-page.js');

let bundled: Promise<string> | null = null;

/** The bundle (an IIFE that puts `window.canvasMediaTest`), built once per test process. */
export function canvasMediaBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [ENTRY],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome110',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  }).then((result) => result.outputFiles[0]!.text);
  return bundled;
}

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Canvas media client</title></head>
<body>
<h1>Canvas media client (@instructure/canvas-media)</h1>
<p id="status" role="status">loading</p>
<script src="${CLIENT_SCRIPT_PATH}"></script>
</body>
</html>`;

/** Test-app routes serving the client page; `kalturaOrigin` is what the page's CSP lets it call besides itself. */
export function canvasMediaTestRoutes(kalturaOrigin: string): (app: FastifyInstance) => Promise<void> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${kalturaOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return async (app) => {
    const script = await canvasMediaBundle();
    app.get(CLIENT_PAGE_PATH, async (_request, reply) =>
      reply.header('content-security-policy', csp).type('text/html; charset=utf-8').send(PAGE),
    );
    app.get(CLIENT_SCRIPT_PATH, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));
  };
}
