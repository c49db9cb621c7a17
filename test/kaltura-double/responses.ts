/**
 * Builders for the exact response bodies Kaltura's server renders (see
 * /work/shared/vectors/kaltura-api-response-samples.json): api_v3 (JSON with format=1, XML otherwise)
 * and the legacy partnerservices2 XML envelope.
 */
import { phpJsonEncode, phpJsonString, xmlEscape, type PhpJsonValue } from './php.js';

export type ApiFormat = 'json' | 'xml';

/** A KalturaAPIException: args keep their order (it is part of the body). */
export interface KalturaApiError {
  code: string;
  message: string;
  args: Array<[name: string, value: string]>;
}

/** Message templates of the api_v3 errors the double produces (`@NAME@` placeholders, Kaltura style). */
export const API_ERROR_TEMPLATES: Readonly<Record<string, { args: readonly string[]; message: string }>> = {
  START_SESSION_ERROR: { args: ['PID'], message: 'Error while starting session for partner [@PID@]' },
  MISSING_MANDATORY_PARAMETER: { args: ['PARAM_NAME'], message: 'Missing parameter "@PARAM_NAME@"' },
  INVALID_KS: { args: ['KSID', 'ERR_CODE', 'ERR_DESC'], message: 'Invalid KS "@KSID@", Error "@ERR_CODE@,@ERR_DESC@"' },
  MISSING_KS: { args: [], message: 'Missing KS, session not established' },
  SERVICE_FORBIDDEN: { args: ['SERVICE'], message: 'The access to service [@SERVICE@] is forbidden' },
  SERVICE_FORBIDDEN_CONTENT_BLOCKED: {
    args: [],
    message: 'The access to this service is forbidden since the specified partner is blocked',
  },
  INVALID_PARTNER_ID: { args: ['PID'], message: 'Invalid partner id "@PID@"' },
  INVALID_WIDGET_ID: { args: ['WIDGET_ID'], message: 'Unknown widget [@WIDGET_ID@]' },
  APP_TOKEN_ID_NOT_FOUND: { args: ['ID'], message: 'Application token id "@ID@" not found' },
  APP_TOKEN_NOT_ACTIVE: { args: ['ID'], message: 'Application token id "@ID@" not active' },
  APP_TOKEN_EXPIRED: { args: ['ID'], message: 'Application token id "@ID@" expired' },
  INVALID_APP_TOKEN_HASH: { args: [], message: 'Invalid application token hash' },
  // (sic) Kaltura's code really is spelled INTERNAL_SERVERL_ERROR
  INTERNAL_SERVERL_ERROR: { args: [], message: 'Internal server error occurred' },
  SERVICE_DOES_NOT_EXISTS: { args: ['SERVICE'], message: 'Service "@SERVICE@" does not exists' },
  ACTION_DOES_NOT_EXISTS: { args: ['ACTION', 'SERVICE'], message: 'Action "@ACTION@" does not exists for service "@SERVICE@"' },
  ENTRY_ID_NOT_FOUND: { args: ['ENTRY_ID'], message: 'Entry id "@ENTRY_ID@" not found' },
  INVALID_ENUM_VALUE: {
    args: ['VALUE', 'PARAM_NAME', 'ENUM'],
    message: 'Invalid enumeration value [@VALUE@] for parameter [@PARAM_NAME@], expected enumeration [@ENUM@]',
  },
};

/**
 * Build a KalturaAPIException. `args` are positional in the template's order, or given by name.
 * Unknown codes need an explicit message (`custom`).
 */
export function apiError(
  code: string,
  args: readonly string[] | Readonly<Record<string, string>> = [],
  custom?: { message?: string; argNames?: readonly string[] },
): KalturaApiError {
  const template = API_ERROR_TEMPLATES[code];
  const names = custom?.argNames ?? template?.args ?? (Array.isArray(args) ? [] : Object.keys(args));
  const values: Array<[string, string]> = names.map((name, i) => {
    const value = Array.isArray(args) ? args[i] : (args as Record<string, string>)[name];
    return [name, value ?? ''];
  });
  let message = custom?.message ?? template?.message ?? code;
  for (const [name, value] of values) message = message.split(`@${name}@`).join(value);
  return { code, message, args: values };
}

const XML_DECL_UTF8 = '<?xml version="1.0" encoding="utf-8"?>';

function apiXml(resultInner: string, executionTime: string): string {
  return `${XML_DECL_UTF8}<xml><result>${resultInner}</result><executionTime>${executionTime}</executionTime></xml>`;
}

export function apiErrorBody(error: KalturaApiError, format: ApiFormat, executionTime: string): string {
  if (format === 'json') {
    const args: Record<string, string> = {};
    for (const [name, value] of error.args) args[name] = value;
    return phpJsonEncode({ code: error.code, message: error.message, objectType: 'KalturaAPIException', args });
  }
  const items = error.args
    .map(
      ([name, value]) =>
        `<item><objectType>KalturaApiExceptionArg</objectType><name>${xmlEscape(name)}</name><value>${xmlEscape(value)}</value></item>`,
    )
    .join('');
  return apiXml(
    `<error><code>${xmlEscape(error.code)}</code><message>${xmlEscape(error.message)}</message>` +
      `<objectType>KalturaAPIException</objectType><args>${items}</args></error>`,
    executionTime,
  );
}

/** A property value: primitives, nested objects and arrays (KalturaTypedArray). */
export type KalturaValue = string | number | boolean | null | KalturaObject | readonly KalturaValue[];

/** A KalturaObject: properties in declaration order; `null` = unset (omitted in JSON, empty in XML). */
export interface KalturaObject {
  objectType: string;
  props: ReadonlyArray<readonly [name: string, value: KalturaValue]>;
}

export type ApiResult = string | KalturaObject | readonly KalturaValue[] | null;

function isKalturaObject(value: KalturaValue): value is KalturaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON as KalturaJsonSerializer renders it: null members dropped, objectType after the properties. */
function jsonValue(value: KalturaValue): PhpJsonValue | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map((v: KalturaValue) => jsonValue(v) ?? null);
  if (isKalturaObject(value)) {
    const obj: Record<string, PhpJsonValue | undefined> = {};
    for (const [name, v] of value.props) obj[name] = jsonValue(v);
    obj.objectType = value.objectType;
    return obj;
  }
  return value as string | number | boolean;
}

/** XML as KalturaXmlSerializer renders it: booleans 1/0, arrays as <item>s, objects with objectType first. */
function xmlValue(value: KalturaValue, ignoreNull: boolean): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return xmlEscape(value);
  if (Array.isArray(value)) return value.map((v: KalturaValue) => `<item>${xmlValue(v, ignoreNull)}</item>`).join('');
  const obj = value as KalturaObject;
  let inner = `<objectType>${xmlEscape(obj.objectType)}</objectType>`;
  if (!ignoreNull) inner += '<relatedObjects></relatedObjects>';
  for (const [name, v] of obj.props) {
    if (v === null && ignoreNull) continue;
    inner += `<${name}>${xmlValue(v, ignoreNull)}</${name}>`;
  }
  return inner;
}

export function apiResultBody(
  result: ApiResult,
  format: ApiFormat,
  executionTime: string,
  options: { ignoreNull?: boolean } = {},
): string {
  if (format === 'json') {
    if (result === null) return 'null';
    if (typeof result === 'string') return phpJsonString(result);
    return phpJsonEncode(jsonValue(result) ?? null);
  }
  return apiXml(xmlValue(result, options.ignoreNull ?? false), executionTime);
}

export function sessionInfo(info: {
  ks: string | null;
  sessionType: number;
  partnerId: number;
  userId: string | null;
  expiry: number;
  privileges: string | null;
}): KalturaObject {
  return {
    objectType: 'KalturaSessionInfo',
    props: [
      ['ks', info.ks],
      ['sessionType', info.sessionType],
      ['partnerId', info.partnerId],
      ['userId', info.userId],
      ['expiry', info.expiry],
      ['privileges', info.privileges],
    ],
  };
}

export function startWidgetSessionResponse(partnerId: number, ks: string): KalturaObject {
  return {
    objectType: 'KalturaStartWidgetSessionResponse',
    props: [
      ['partnerId', partnerId],
      ['ks', ks],
      ['userId', 0],
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// partnerservices2

/** A ps2 XML tree: text, a number, or ordered child elements. */
export type Ps2Node = string | number | Array<[name: string, value: Ps2Node]>;

export function ps2Xml(node: Ps2Node): string {
  if (typeof node === 'string') return xmlEscape(node);
  if (typeof node === 'number') return String(node);
  return node.map(([name, value]) => `<${name}>${ps2Xml(value)}</${name}>`).join('');
}

export interface Ps2Error {
  code: string;
  desc: string;
}

export interface Ps2Debug {
  /** kalsig the server computed over the request's query parameters */
  signature: string;
  /** whether the request's kalsig equals it (Kaltura reports but never enforces it) */
  validateSignature: boolean;
  executeImplTime: string;
  executeTime: string;
  totalTime: string;
}

export const PS2_CONTENT_TYPE = 'text/xml; charset=utf-8';

export function ps2Body(
  result: Array<[string, Ps2Node]>,
  serverTime: number,
  errors: readonly Ps2Error[],
  debug: Ps2Debug,
): string {
  const errorXml = errors
    .map((e, i) => `<num_${i}><code>${xmlEscape(e.code)}</code><desc>${xmlEscape(e.desc)}</desc></num_${i}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="ISO-8859-1"?><xml>' +
    `<result>${ps2Xml(result)}<serverTime>${serverTime}</serverTime></result>` +
    `<error>${errorXml}</error>` +
    `<debug><sigtype>1</sigtype><validateSignature>${debug.validateSignature ? '1' : ''}</validateSignature>` +
    `<signature>${debug.signature}</signature><execute_impl_time>${debug.executeImplTime}</execute_impl_time>` +
    `<execute_time>${debug.executeTime}</execute_time><total_time>${debug.totalTime}</total_time></debug></xml>`
  );
}

/** The default k5 uploader ui conf file (what the samples show). */
export function defaultConfFile(maxFileSizeMb = 500): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><KUploadConfiguration conversionProfile="2"><fileFilters default="video">' +
    '<fileFilter id="video" description="videos" extensions="*.mov;*.mp4;*.webm" entryType="1" mediaType="1"/>' +
    '<fileFilter id="audio" description="audio" extensions="*.mp3;*.wav" entryType="1" mediaType="5"/>' +
    `</fileFilters><limits maxUploads="1" maxFileSize="${maxFileSizeMb}" maxTotalSize="${maxFileSizeMb}"/></KUploadConfiguration>`
  );
}

/** Simple HTML pages for the html / http5xx faults and transport-level errors. */
export function htmlPage(status: number, title: string, text: string): string {
  return (
    `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head>` +
    `<body><h1>${title}</h1><p>${text}</p><hr><address>Apache Server at kaltura.invalid Port 443</address></body></html>\n`
  );
}
