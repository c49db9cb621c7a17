/**
 * api_v3: session.start, session.startWidgetSession, session.get, session.end, appToken.startSession,
 * media.get, flavorAsset.list, flavorAsset.getByEntryId.
 */
import { mintKs, tokenHash } from './ks.js';
import { flavorAssetObject, mediaEntryObject } from './media-objects.js';
import {
  apiError,
  apiErrorBody,
  apiResultBody,
  sessionInfo,
  startWidgetSessionResponse,
  type ApiFormat,
  type ApiResult,
  type KalturaApiError,
} from './responses.js';
import type { HandlerResult, RequestContext, Route } from './route.js';
import { secondsString } from './php.js';
import { FLAVOR_STATUS, type CreatedEntry, type DoubleState, type KsValidation, type Partner, type SessionType } from './state.js';

type ApiRoute = Extract<Route, { kind: 'api_v3' }>;

class ApiFailure extends Error {
  constructor(readonly error: KalturaApiError) {
    super(error.message);
  }
}

function fail(code: string, args: readonly string[] = []): never {
  throw new ApiFailure(apiError(code, args));
}

export function apiContentType(format: ApiFormat): string {
  return format === 'json' ? 'application/json' : 'text/xml; charset=utf-8';
}

export function executionTime(ctx: RequestContext): string {
  return secondsString(performance.now() - ctx.startedAt);
}

export function renderApiError(ctx: RequestContext, format: ApiFormat, error: KalturaApiError): HandlerResult {
  return { status: 200, contentType: apiContentType(format), body: apiErrorBody(error, format, executionTime(ctx)) };
}

/** The INVALID_KS error api_v3 gives for a failed validation (KSID = the KS when unparseable, else the reason). */
export function invalidKsError(ks: string, validation: Extract<KsValidation, { ok: false }>): KalturaApiError {
  return apiError('INVALID_KS', [validation.error === 'INVALID_STR' ? ks : validation.error, '-1', 'INVALID_STR']);
}

function remoteOf(ctx: RequestContext): { remoteAddr: string; requestUri: string } {
  return { remoteAddr: ctx.remoteAddr, requestUri: ctx.url };
}

function intParam(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const m = /^\s*([+-]?\d+)/.exec(raw);
  return m ? Number(m[1]) : 0; // PHP (int) cast: leading digits, else 0
}

function sessionTypeParam(raw: string | undefined): SessionType | null {
  if (raw === undefined || raw === '') return null;
  if (raw.trim() === '0') return 0;
  if (raw.trim() === '2') return 2;
  fail('INVALID_ENUM_VALUE', [raw, 'type', 'KalturaSessionType']);
}

function cappedExpiry(partner: Partner, requested: number | null): number {
  const max = partner.maxExpirySeconds;
  if (requested === null || requested <= 0 || requested > max) return max;
  return requested;
}

function knownPartner(state: DoubleState, raw: string): Partner {
  if (!/^\d+$/.test(raw.trim())) fail('INVALID_PARTNER_ID', [raw]);
  const partner = state.partners.get(String(Number(raw.trim())));
  if (!partner || partner.blocked) fail('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
  return partner;
}

interface ApiCall {
  state: DoubleState;
  ctx: RequestContext;
  route: ApiRoute;
  p: (name: string) => string | undefined;
  /** the validated `ks` parameter, when one was sent */
  ks: Extract<KsValidation, { ok: true }>['ks'] | null;
  ksString: string | null;
}

function issue(
  call: ApiCall,
  partner: Partner,
  session: { type: SessionType; userId: string | null; expiry: number; privileges: string; appTokenId?: string },
): string {
  const now = call.state.now();
  const ks = mintKs({
    version: partner.ksVersion,
    partnerId: partner.partnerId,
    secret: partner.adminSecret, // Kaltura always signs with the admin secret
    userId: session.userId,
    type: session.type,
    expirySeconds: session.expiry,
    privileges: session.privileges,
    now,
  });
  call.state.sessions.push({
    operation: call.route.operation,
    ks,
    partnerId: partner.partnerId,
    type: session.type,
    userId: session.userId,
    expiry: now + session.expiry,
    privileges: session.privileges,
    appTokenId: session.appTokenId ?? null,
  });
  return ks;
}

function sessionStart(call: ApiCall): ApiResult {
  const { p, state } = call;
  const pidRaw = p('partnerId');
  const partner = pidRaw !== undefined && pidRaw !== '' ? knownPartner(state, pidRaw) : null;
  const secret = p('secret');
  if (secret === undefined) fail('MISSING_MANDATORY_PARAMETER', ['secret']);
  const type = sessionTypeParam(p('type')) ?? 0;
  if (!partner) fail('START_SESSION_ERROR', [pidRaw ?? '']);
  const isAdminSecret = secret === partner.adminSecret || partner.additionalAdminSecrets.includes(secret);
  // the user secret only starts USER sessions; a wrong secret never does
  const isUserSecret = secret === partner.userSecret && type === 0;
  if (!isAdminSecret && !isUserSecret) fail('START_SESSION_ERROR', [partner.partnerId]);
  return issue(call, partner, {
    type,
    userId: p('userId') ?? '',
    expiry: cappedExpiry(partner, intParam(p('expiry'))),
    privileges: p('privileges') ?? '',
  });
}

function startWidgetSession(call: ApiCall): ApiResult {
  const { p, state } = call;
  const widgetId = p('widgetId');
  if (widgetId === undefined) fail('MISSING_MANDATORY_PARAMETER', ['widgetId']);
  const m = /^_(\d+)$/.exec(widgetId);
  const partner = m ? state.partners.get(String(Number(m[1]))) : undefined;
  if (!partner) fail('INVALID_WIDGET_ID', [widgetId]);
  if (partner.blocked) fail('SERVICE_FORBIDDEN_CONTENT_BLOCKED');
  const ks = issue(call, partner, {
    type: 0,
    userId: '0',
    expiry: cappedExpiry(partner, intParam(p('expiry'))),
    privileges: 'view:*,widget:1',
  });
  return startWidgetSessionResponse(Number(partner.partnerId), ks);
}

function mergePrivileges(base: string[], extra: string | null | undefined): string[] {
  if (!extra) return base;
  const names = new Set(base.map((x) => x.split(':')[0]));
  const out = [...base];
  for (const piece of extra.split(',')) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    const name = trimmed.split(':')[0]!;
    if (names.has(name)) continue; // the token's own privileges win
    names.add(name);
    out.push(trimmed);
  }
  return out;
}

function appTokenStartSession(call: ApiCall): ApiResult {
  const { p, state } = call;
  if (!call.ks || call.ksString === null) fail('MISSING_KS');
  const id = p('id');
  if (id === undefined) fail('MISSING_MANDATORY_PARAMETER', ['id']);
  const hash = p('tokenHash');
  if (hash === undefined) fail('MISSING_MANDATORY_PARAMETER', ['tokenHash']);
  const requestedType = sessionTypeParam(p('type'));
  const token = state.appTokens.get(id);
  if (!token || token.status === 'deleted' || token.partnerId !== call.ks.partnerId) fail('APP_TOKEN_ID_NOT_FOUND', [id]);
  if (token.status !== 'active') fail('APP_TOKEN_NOT_ACTIVE', [id]);
  if (tokenHash(call.ksString, token.token, token.hashType) !== hash) fail('INVALID_APP_TOKEN_HASH');
  const now = state.now();
  if (token.expiry !== null && token.expiry <= now) fail('APP_TOKEN_EXPIRED', [id]);
  const partner = state.partners.get(token.partnerId);
  if (!partner) fail('APP_TOKEN_ID_NOT_FOUND', [id]);
  if (partner.blocked) fail('SERVICE_FORBIDDEN_CONTENT_BLOCKED');

  let duration = token.sessionDuration;
  if (token.expiry !== null) duration = Math.min(duration, token.expiry - now);
  const requestedExpiry = intParam(p('expiry'));
  if (requestedExpiry !== null && requestedExpiry > 0) duration = Math.min(duration, requestedExpiry);
  duration = Math.min(duration, partner.maxExpirySeconds);

  const type: SessionType = token.sessionType ?? requestedType ?? 0;
  const userId = token.sessionUserId ?? p('userId') ?? '';
  let privileges = [`sessionid:${token.id}`, `apptoken:${token.id}`];
  privileges = mergePrivileges(privileges, token.sessionPrivileges);
  privileges = mergePrivileges(privileges, p('sessionPrivileges'));
  const privilegeString = privileges.join(',');
  const ks = issue(call, partner, { type, userId, expiry: duration, privileges: privilegeString, appTokenId: token.id });
  return sessionInfo({
    ks,
    sessionType: type,
    partnerId: Number(partner.partnerId),
    userId,
    expiry: now + duration,
    privileges: privilegeString,
  });
}

function sessionGet(call: ApiCall): ApiResult {
  const { p, state } = call;
  if (!call.ks) fail('MISSING_KS');
  let target = call.ks;
  const other = p('session');
  if (other !== undefined && other !== '') {
    const v = state.validateKs(other, remoteOf(call.ctx));
    if (!v.ok) throw new ApiFailure(invalidKsError(other, v));
    target = v.ks;
  }
  return sessionInfo({
    ks: null,
    sessionType: target.type,
    partnerId: Number(target.partnerId),
    userId: target.userId,
    expiry: target.validUntil,
    privileges: target.privileges,
  });
}

function sessionEnd(call: ApiCall): ApiResult {
  if (!call.ks) fail('MISSING_KS');
  call.state.revoke(call.ks);
  return null;
}

/** A parameter of an object argument, as `filter:entryIdEqual` or `filter[entryIdEqual]`. */
function objectParam(call: ApiCall, object: string, name: string): string | undefined {
  return call.p(`${object}:${name}`) ?? call.p(`${object}[${name}]`);
}

/** The entry named by `entryId`, visible to the KS's partner (else ENTRY_ID_NOT_FOUND, as Kaltura answers). */
function entryOf(call: ApiCall): CreatedEntry {
  if (!call.ks) fail('MISSING_KS');
  const entryId = call.p('entryId');
  if (entryId === undefined || entryId === '') fail('MISSING_MANDATORY_PARAMETER', ['entryId']);
  const entry = call.state.findEntry(entryId);
  if (!entry || entry.partnerId !== call.ks.partnerId || entry.status === 3) fail('ENTRY_ID_NOT_FOUND', [entryId]);
  return entry;
}

/** The double's own base URL as the caller reached it (for the URLs inside a KalturaMediaEntry). */
function baseUrlOf(ctx: RequestContext): string {
  const host = ctx.headers.host;
  return host ? `http://${host}` : '';
}

function mediaGet(call: ApiCall): ApiResult {
  const entry = entryOf(call);
  return mediaEntryObject(entry, call.state.flavorsOf(entry.id), baseUrlOf(call.ctx));
}

function flavorAssetGetByEntryId(call: ApiCall): ApiResult {
  const entry = entryOf(call);
  return call.state
    .flavorsOf(entry.id)
    .filter((f) => f.status !== FLAVOR_STATUS.DELETED)
    .map(flavorAssetObject);
}

function listOfInts(raw: string | undefined): number[] | null {
  if (raw === undefined || raw === '') return null;
  return raw.split(',').map((x) => intParam(x) ?? 0);
}

function flavorAssetList(call: ApiCall): ApiResult {
  if (!call.ks) fail('MISSING_KS');
  const partnerId = call.ks.partnerId;
  const entryIdEqual = objectParam(call, 'filter', 'entryIdEqual');
  const entryIdIn = objectParam(call, 'filter', 'entryIdIn');
  const statusEqual = intParam(objectParam(call, 'filter', 'statusEqual'));
  const statusIn = listOfInts(objectParam(call, 'filter', 'statusIn'));
  const entryIds = entryIdIn ? new Set(entryIdIn.split(',').map((x) => x.trim())) : null;
  const matching = call.state.flavors.filter(
    (f) =>
      f.partnerId === partnerId &&
      f.status !== FLAVOR_STATUS.DELETED &&
      (entryIdEqual === undefined || entryIdEqual === '' || f.entryId === entryIdEqual) &&
      (entryIds === null || entryIds.has(f.entryId)) &&
      (statusEqual === null || f.status === statusEqual) &&
      (statusIn === null || statusIn.includes(f.status)),
  );
  // KalturaFilterPager: pageSize 30 by default, at most 500; pageIndex from 1
  let pageSize = intParam(objectParam(call, 'pager', 'pageSize')) ?? 30;
  if (pageSize <= 0) pageSize = 30;
  pageSize = Math.min(pageSize, 500);
  const pageIndex = Math.max(1, intParam(objectParam(call, 'pager', 'pageIndex')) ?? 1);
  const page = matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize);
  return {
    objectType: 'KalturaFlavorAssetListResponse',
    props: [
      ['objects', page.map(flavorAssetObject)],
      ['totalCount', matching.length],
    ],
  };
}

const ACTIONS: Readonly<Record<string, (call: ApiCall) => ApiResult>> = {
  'session.start': sessionStart,
  'session.startWidgetSession': startWidgetSession,
  'session.get': sessionGet,
  'session.end': sessionEnd,
  'appToken.startSession': appTokenStartSession,
  'media.get': mediaGet,
  'flavorAsset.list': flavorAssetList,
  'flavorAsset.getByEntryId': flavorAssetGetByEntryId,
};

const SERVICES = new Set(['session', 'apptoken', 'media', 'flavorasset']);

export function handleApiV3(state: DoubleState, ctx: RequestContext, route: ApiRoute): HandlerResult {
  const format = route.format;
  try {
    if (route.bodyError !== null) fail('INTERNAL_SERVERL_ERROR');
    const handler = ACTIONS[route.operation];
    if (!handler) {
      const service = route.service.toLowerCase();
      if (!SERVICES.has(service)) fail('SERVICE_DOES_NOT_EXISTS', [route.service]);
      fail('ACTION_DOES_NOT_EXISTS', [route.action, route.service]);
    }
    const p = (name: string): string | undefined => route.params.get(name);
    let ks: ApiCall['ks'] = null;
    const ksString = p('ks');
    if (ksString !== undefined && ksString !== '') {
      const v = state.validateKs(ksString, remoteOf(ctx));
      if (!v.ok) throw new ApiFailure(invalidKsError(ksString, v));
      ks = v.ks;
    }
    const result = handler({ state, ctx, route, p, ks, ksString: ksString ?? null });
    const ignoreNull = ['1', 'true'].includes((p('ignoreNull') ?? '').toLowerCase());
    return {
      status: 200,
      contentType: apiContentType(format),
      body: apiResultBody(result, format, executionTime(ctx), { ignoreNull }),
    };
  } catch (e) {
    if (e instanceof ApiFailure) return renderApiError(ctx, format, e.error);
    throw e;
  }
}

/** Arguments a `kaltura-error` fault fills from the request when it gives none. */
export function faultArgsFromRequest(route: ApiRoute): Record<string, string> {
  const p = (n: string): string => route.params.get(n) ?? '';
  return {
    PID: p('partnerId'),
    KSID: p('ks'),
    ERR_CODE: '-1',
    ERR_DESC: 'INVALID_STR',
    ID: p('id'),
    ENTRY_ID: p('entryId') || p('filter:entryIdEqual'),
    WIDGET_ID: p('widgetId'),
    PARAM_NAME: 'secret',
    SERVICE: `${route.service}->${route.action}`,
    ACTION: route.action,
    VALUE: '',
    ENUM: '',
  };
}

