/**
 * The files Kaltura serves outside its APIs:
 * - flavor downloads, `/p/<pid>/sp/<subp>/download/entry_id/<entry>/flavor/<flavor>/ks/<ks>/relocate/download.<ext>`
 *   (the URL Canvas builds for `media_sources`): the KS must be valid for the partner and carry
 *   `download:<entry>` (or `download:*`, or be an ADMIN KS); byte ranges are honoured for media elements;
 * - thumbnails, `/p/<pid>[/sp/<subp>]/thumbnail/entry_id/<entry>/width/<w>/height/<h>/type/<t>/…`
 *   (Canvas's `thumbnail_url`): a PNG of the asked size.
 */
import { createHash } from 'node:crypto';
import { solidPng } from './media-files.js';
import { htmlPage } from './responses.js';
import type { HandlerResult, RequestContext, Route } from './route.js';
import { FLAVOR_STATUS, privilegeValues, type CreatedEntry, type DoubleState } from './state.js';

type ServeRoute = Extract<Route, { kind: 'serve' }>;

const MAX_THUMBNAIL_SIDE = 2048;

function notFound(path: string): HandlerResult {
  return { status: 404, contentType: 'text/html', body: htmlPage(404, 'Not Found', `The requested URL ${path} was not found on this server.`) };
}

function forbidden(): HandlerResult {
  return { status: 403, contentType: 'text/html', body: htmlPage(403, 'Forbidden', 'You are not allowed to access this file.') };
}

function entryOfPartner(state: DoubleState, route: ServeRoute): CreatedEntry | null {
  const partner = state.partners.get(route.partnerId);
  if (!partner || partner.blocked) return null;
  const entryId = route.params.get('entry_id');
  if (entryId === undefined) return null;
  const entry = state.findEntry(entryId);
  if (!entry || entry.partnerId !== route.partnerId || entry.status === 3) return null;
  return entry;
}

/** Whether a KS lets its holder download this entry's flavors. */
function mayDownload(state: DoubleState, ctx: RequestContext, ks: string | undefined, entry: CreatedEntry): boolean {
  if (ks === undefined || ks === '') return false;
  const v = state.validateKs(ks, { remoteAddr: ctx.remoteAddr, requestUri: ctx.url });
  if (!v.ok || v.ks.partnerId !== entry.partnerId) return false;
  if (v.ks.type === 2) return true;
  const allowed = privilegeValues(v.ks.privileges, 'download');
  return allowed.includes(entry.id) || allowed.includes('*');
}

/** A single `bytes=a-b` range of a body of `size` bytes, or null (serve it whole), or 'unsatisfiable'. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or nonsense: the whole body
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

function download(state: DoubleState, ctx: RequestContext, route: ServeRoute): HandlerResult {
  const entry = entryOfPartner(state, route);
  if (!entry) return notFound(ctx.path);
  if (!mayDownload(state, ctx, route.params.get('ks') ?? ctx.query.get('ks') ?? undefined, entry)) return forbidden();
  const flavors = state.flavorsOf(entry.id);
  const flavorId = route.params.get('flavor');
  const flavor = flavorId === undefined ? flavors.find((f) => f.isOriginal) : flavors.find((f) => f.id === flavorId);
  if (!flavor || flavor.status !== FLAVOR_STATUS.READY || flavor.data === null) return notFound(ctx.path);
  const data = flavor.data;
  const common = { 'Accept-Ranges': 'bytes', 'Cache-Control': 'private, max-age=3600' };
  const range = parseRange(ctx.headers.range, data.length);
  if (range === 'unsatisfiable') {
    return { status: 416, contentType: 'text/plain', body: '', headers: { ...common, 'Content-Range': `bytes */${data.length}` } };
  }
  if (range === null) return { status: 200, contentType: flavor.contentType, body: data, headers: common };
  return {
    status: 206,
    contentType: flavor.contentType,
    body: data.subarray(range.start, range.end + 1),
    headers: { ...common, 'Content-Range': `bytes ${range.start}-${range.end}/${data.length}` },
  };
}

function sideParam(raw: string | undefined): number {
  if (raw === undefined || !/^\d+$/.test(raw)) return 0;
  return Math.min(Number(raw), MAX_THUMBNAIL_SIDE);
}

function thumbnail(state: DoubleState, ctx: RequestContext, route: ServeRoute): HandlerResult {
  const entry = entryOfPartner(state, route);
  if (!entry) return notFound(ctx.path);
  let width = sideParam(route.params.get('width'));
  let height = sideParam(route.params.get('height'));
  // Kaltura's defaults: 120×90, and a missing side follows the 4:3 frame
  if (width === 0 && height === 0) [width, height] = [120, 90];
  else if (width === 0) width = Math.max(1, Math.round((height * 4) / 3));
  else if (height === 0) height = Math.max(1, Math.round((width * 3) / 4));
  const type = route.params.get('type');
  if (type !== undefined && !/^[1-5]$/.test(type)) return notFound(ctx.path);
  // a colour of the entry's own, so thumbnails of different entries can be told apart
  const digest = createHash('sha1').update(entry.id).digest();
  const rgb: [number, number, number] = [64 + (digest[0]! % 160), 64 + (digest[1]! % 160), 64 + (digest[2]! % 160)];
  return {
    status: 200,
    contentType: 'image/png',
    body: solidPng(width, height, rgb),
    headers: { 'Cache-Control': 'max-age=86400' },
  };
}

/** Answer a `/p/<pid>/…` file request. */
export function handleServe(state: DoubleState, ctx: RequestContext, route: ServeRoute): HandlerResult {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    return { status: 405, contentType: 'text/html', body: htmlPage(405, 'Method Not Allowed', 'Only GET and HEAD are allowed.'), headers: { Allow: 'GET, HEAD' } };
  }
  return route.action === 'download' ? download(state, ctx, route) : thumbnail(state, ctx, route);
}
