/** partnerservices2 (the legacy API k5uploader uses): getuiconf, upload, addEntry. */
import { createFlavors, durationOfUpload } from './entries.js';
import { kalsig } from './kalsig.js';
import { phpFloat, secondsString } from './php.js';
import { PS2_CONTENT_TYPE, ps2Body, type Ps2Error, type Ps2Node } from './responses.js';
import type { HandlerResult, RequestContext, Route } from './route.js';
import { kalturaId, type CreatedEntry, type DoubleState, type KsValidation, type StoredUpload } from './state.js';

type Ps2Route = Extract<Route, { kind: 'ps2' }>;

/** CORS headers real Kaltura sends on partnerservices2 (browsers upload to it cross-origin). */
export const PS2_CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, Content-Type',
};

export function ps2Preflight(requestHeaders: string | undefined): HandlerResult {
  return {
    status: 204,
    contentType: 'text/plain',
    body: '',
    headers: {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Allow-Headers': requestHeaders && requestHeaders.length < 1000 ? requestHeaders : '*',
      'Access-Control-Max-Age': '86400',
    },
  };
}

const AUDIO_EXTENSIONS = new Set(['mp3', 'wav', 'm4a', 'aac', 'ogg', 'oga', 'flac', 'wma']);
const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp']);

/** Kaltura media types: 1 video, 2 image, 5 audio. */
function mediaTypeFor(filename: string): number {
  const ext = (filename.split('.').pop() ?? '').toLowerCase();
  if (AUDIO_EXTENSIONS.has(ext)) return 5;
  if (IMAGE_EXTENSIONS.has(ext)) return 2;
  return 1;
}

function intOr(raw: string | undefined, fallback: number): number {
  if (raw === undefined || !/^\s*-?\d+/.test(raw)) return fallback;
  return parseInt(raw, 10);
}

/** The `<debug>` block values and the envelope, timings measured for this request. */
function render(
  ctx: RequestContext,
  route: Ps2Route,
  serverTime: number,
  result: Array<[string, Ps2Node]>,
  errors: Ps2Error[],
): HandlerResult {
  const given = route.query.get('kalsig');
  const signature = kalsig(route.query);
  const elapsed = performance.now() - ctx.startedAt;
  return {
    status: 200,
    contentType: PS2_CONTENT_TYPE,
    body: ps2Body(result, serverTime, errors, {
      signature,
      validateSignature: given !== null && given === signature,
      executeImplTime: secondsString(elapsed * 0.8),
      executeTime: secondsString(elapsed * 0.9),
      totalTime: secondsString(elapsed),
    }),
    headers: { ...PS2_CORS_HEADERS },
  };
}

/** The ps2 error for a KS that failed validation. */
export function ps2KsError(ks: string, v: Extract<KsValidation, { ok: false }>): Ps2Error {
  if (v.error === 'INVALID_STR') return { code: 'INTERNAL_SERVER_ERROR', desc: 'Internal server error INVALID_STR' };
  return { code: 'INVALID_KS', desc: `Invalid KS [${ks}]. Error [${v.errorCode},${v.error}]` };
}

const PS2_DEFAULT_DESCS: Readonly<Record<string, string>> = {
  MISSING_KS: 'Missing KS. Session not established',
  INTERNAL_SERVER_ERROR: 'Internal server error INVALID_STR',
  MANDATORY_PARAMETER_MISSING: 'Mandatory parameter missing [Filedata]',
  INVALID_FILE_NAME: 'Cannot find file N/A',
};

/** A ps2 error envelope for a `kaltura-error` fault. */
export function ps2FaultResponse(
  state: DoubleState,
  ctx: RequestContext,
  route: Ps2Route,
  code: string,
  message?: string,
): HandlerResult {
  let desc = message;
  if (desc === undefined) {
    if (code === 'INVALID_KS') desc = `Invalid KS [${route.params.get('ks') ?? ''}]. Error [-5,EXPIRED]`;
    else if (code === 'INVALID_UI_CONF_ID') desc = `Unknown uiConf [${route.params.get('ui_conf_id') ?? ''}]`;
    else desc = PS2_DEFAULT_DESCS[code] ?? code;
  }
  return render(ctx, route, state.now(), [], [{ code, desc }]);
}

interface Ps2Session {
  partnerId: string;
  rand: string;
  userId: string | null;
}

/** KS checks of upload and addEntry; returns the session or the error to answer. */
function requireKs(state: DoubleState, ctx: RequestContext, route: Ps2Route): Ps2Session | Ps2Error {
  const ks = route.params.get('ks');
  if (ks === undefined || ks === '') return { code: 'MISSING_KS', desc: 'Missing KS. Session not established' };
  const v = state.validateKs(ks, { remoteAddr: ctx.remoteAddr, requestUri: ctx.url });
  if (!v.ok) return ps2KsError(ks, v);
  const partnerParam = route.params.get('partner_id');
  if (partnerParam !== undefined && partnerParam !== '' && partnerParam !== v.ks.partnerId) {
    return { code: 'INVALID_KS', desc: `Invalid KS [${ks}]. Error [-2,INVALID_PARTNER]` };
  }
  return { partnerId: v.ks.partnerId, rand: v.ks.rand, userId: v.ks.userId };
}

function getuiconf(state: DoubleState, ctx: RequestContext, route: Ps2Route): HandlerResult {
  const now = state.now();
  const id = route.params.get('ui_conf_id') ?? '';
  const partnerParam = route.params.get('partner_id');
  // Canvas's rich content editor (saveMediaRecording) hands k5uploader a session without ui_conf_id,
  // so k5uploader sends the text `undefined`; Kaltura's lookup of that id finds the partner's default
  // uploader configuration (RCE uploads work against real Kaltura), so the double serves the
  // partner's first ui conf for an unset id. A set but unknown id stays INVALID_UI_CONF_ID.
  const unset = id === '' || id === 'undefined' || id === 'null';
  const uiConf = unset
    ? [...state.uiConfs.values()].find((u) => partnerParam === undefined || partnerParam === '' || u.partnerId === partnerParam)
    : state.uiConfs.get(id);
  if (!uiConf || (partnerParam !== undefined && partnerParam !== '' && partnerParam !== uiConf.partnerId)) {
    return render(ctx, route, now, [], [{ code: 'INVALID_UI_CONF_ID', desc: `Unknown uiConf [${id}]` }]);
  }
  return render(
    ctx,
    route,
    now,
    [
      [
        'ui_conf',
        [
          ['id', uiConf.id],
          ['partnerId', uiConf.partnerId],
          ['objType', uiConf.objType],
          ['objTypeAsString', uiConf.objTypeAsString],
          ['name', uiConf.name],
          ['confFile', uiConf.confFile],
          ['useCdn', 1],
        ],
      ],
    ],
    [],
  );
}

let fileIdCounter = 0;

function upload(state: DoubleState, ctx: RequestContext, route: Ps2Route): HandlerResult {
  const now = state.now();
  const session = requireKs(state, ctx, route);
  if ('code' in session) return render(ctx, route, now, [], [session]);
  const file = route.parts?.find((part) => part.name === 'Filedata' && part.filename !== null);
  if (!file) {
    return render(ctx, route, now, [], [{ code: 'MANDATORY_PARAMETER_MISSING', desc: 'Mandatory parameter missing [Filedata]' }]);
  }
  const fileId = route.params.get('filename') || `${Date.now()}${++fileIdCounter}`;
  const origFilename = route.params.get('Filename') ?? file.filename ?? '';
  // Kaltura's token: partner id followed by microtime(true) as PHP prints it
  const token = `${session.partnerId}${phpFloat(Math.round((Date.now() / 1000) * 10000) / 10000)}`;
  const stored: StoredUpload = {
    token,
    partnerId: session.partnerId,
    ksRand: session.rand,
    ksUserId: session.userId,
    fileId,
    origFilename,
    contentType: file.contentType,
    size: file.data.length,
    data: file.data,
    uploadedAt: now,
    entryId: null,
  };
  state.uploads.push(stored);
  return render(
    ctx,
    route,
    now,
    [
      [
        'result_ok',
        [
          ['token', token],
          ['filename', fileId],
          ['origFilename', origFilename],
          ['thumb_url', ''],
          ['thumb_created', ''],
        ],
      ],
    ],
    [],
  );
}

function addEntry(state: DoubleState, ctx: RequestContext, route: Ps2Route): HandlerResult {
  const now = state.now();
  const session = requireKs(state, ctx, route);
  if ('code' in session) return render(ctx, route, now, [], [session]);
  const p = route.params;
  const created: Array<[string, Ps2Node]> = [];
  const errors: Ps2Error[] = [];
  for (let i = 1; ; i++) {
    const prefix = `entry${i}_`;
    const own: Record<string, string> = {};
    for (const [k, v] of p) if (k.startsWith(prefix)) own[k.slice(prefix.length)] = v;
    if (Object.keys(own).length === 0) break;
    const source = intOr(own.source, 1);
    const filename = own.filename ?? '';
    let upload: StoredUpload | null = null;
    if (source === 1) {
      upload = state.findUpload(session.partnerId, session.rand, filename) ?? null;
      if (!upload) {
        errors.push({ code: 'INVALID_FILE_NAME', desc: 'Cannot find file N/A' });
        break;
      }
    }
    const realFilename = own.realFilename ?? upload?.origFilename ?? '';
    const name = own.name ?? realFilename;
    const entry: CreatedEntry = {
      id: kalturaId(),
      partnerId: session.partnerId,
      subpId: p.get('subp_id') || `${session.partnerId}00`,
      puserId: p.get('uid') ?? session.userId ?? '',
      name,
      partnerData: own.partnerData ?? '',
      type: intOr(own.type, 1),
      mediaType: intOr(own.mediaType, mediaTypeFor(realFilename || name)),
      source,
      status: 1,
      filename,
      realFilename,
      conversionProfile: own.conversionProfile ?? null,
      params: own,
      upload,
      ksUserId: session.userId,
      createdAt: now,
      durationMs: durationOfUpload(upload),
    };
    if (upload) upload.entryId = entry.id;
    state.entries.push(entry);
    createFlavors(state, entry);
    created.push([
      prefix,
      [
        ['id', entry.id],
        ['name', entry.name],
        ['partnerId', entry.partnerId],
        ['subpId', entry.subpId],
        ['puserId', entry.puserId],
        ['status', entry.status],
        ['type', entry.type],
        ['mediaType', entry.mediaType],
        ['partnerData', entry.partnerData],
        ['source', entry.source],
      ],
    ]);
    // the double converts at once (but for the one flavor it leaves converting): READY from now on
    entry.status = 2;
  }
  return render(
    ctx,
    route,
    now,
    [
      ['entries', created],
      ['new_entry_count', created.length],
    ],
    errors,
  );
}

export function handlePs2(state: DoubleState, ctx: RequestContext, route: Ps2Route): HandlerResult {
  switch (route.operation) {
    case 'ps2.getuiconf':
      return getuiconf(state, ctx, route);
    case 'ps2.upload':
      return upload(state, ctx, route);
    case 'ps2.addEntry':
      return addEntry(state, ctx, route);
    default:
      return render(ctx, route, state.now(), [], [{ code: 'INVALID_SERVICE', desc: `Unknown service [${route.action}]` }]);
  }
}
