/**
 * Canvas's Services API: `GET /api/v1/services/kaltura` and
 * `POST /api/v1/services/kaltura_session` (a `.json` suffix works too).
 */
import type { FastifyInstance } from 'fastify';
import { ApiError, unauthenticatedError } from '../../canvas/api-error.js';
import { valueToBoolean } from '../../canvas/value-to-boolean.js';
import type { KalturaService } from '../../sessions/kaltura-service.js';
import { param } from '../request-params.js';

const nullableString = { type: ['string', 'null'] } as const;

export const errorBody = {
  type: 'object',
  description: "Canvas's error shape",
  // `status` first: Canvas writes {"status":…,"errors":…} for its 401s.
  properties: { status: { type: 'string' }, errors: {} },
  additionalProperties: true,
} as const;

const anyParam = { description: 'any value; read with Canvas value_to_boolean where a flag' } as const;

/** Query parameters every API route accepts. */
export const commonQuery = {
  access_token: { type: 'string', description: 'the access token, when not sent as `Authorization: Bearer`' },
  as_user_id: { type: 'string', description: 'act as this user (id or `sis_user_id:<id>`); admins with become_user only' },
} as const;

export const configResponse = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    domain: nullableString,
    resource_domain: nullableString,
    rtmp_domain: nullableString,
    partner_id: nullableString,
  },
  required: ['enabled'],
} as const;

export const uploadConfigSchema = {
  type: 'object',
  properties: {
    domain: { type: 'string' },
    resource_domain: { type: 'string' },
    rtmp_domain: { type: 'string' },
    protocol: { type: 'string' },
    partner_id: { type: 'string' },
    subpartner_id: { type: 'string' },
    player_ui_conf: { type: 'string' },
    player_cache_st: { type: 'string' },
    kcw_ui_conf: { type: 'string' },
    upload_ui_conf: { type: 'string' },
    max_file_size_bytes: { type: 'integer' },
    do_analytics: { type: 'boolean' },
    hide_rte_button: { type: 'boolean' },
    js_uploader: { type: 'boolean' },
    uploadUrl: { type: 'string' },
    entryUrl: { type: 'string' },
    uiconfUrl: { type: 'string' },
    partner_data: { type: 'string' },
  },
} as const;

export const sessionResponse = {
  type: 'object',
  properties: {
    ks: { type: 'string' },
    subp_id: { type: 'string' },
    partner_id: { type: 'string' },
    uid: { type: 'string' },
    serverTime: { type: 'integer' },
    kaltura_setting: uploadConfigSchema,
  },
  required: ['ks', 'subp_id', 'partner_id', 'uid', 'serverTime'],
} as const;

/** Registers the two Services API routes. */
export async function servicesRoutes(app: FastifyInstance, opts: { kaltura: KalturaService; bodyLimit: number }): Promise<void> {
  const { kaltura } = opts;

  app.get(
    '/api/v1/services/kaltura',
    {
      schema: {
        summary: 'The Kaltura configuration of the root account',
        tags: ['services'],
        querystring: { type: 'object', properties: commonQuery },
        response: { 200: configResponse, '4xx': errorBody, '5xx': errorBody },
      },
    },
    async (request) => {
      if (!request.identity) throw unauthenticatedError();
      return kaltura.config(request.account!);
    },
  );

  app.post(
    '/api/v1/services/kaltura_session',
    {
      bodyLimit: opts.bodyLimit,
      schema: {
        summary: 'Start a Kaltura session (KS) for the signed-in user',
        tags: ['services'],
        querystring: { type: 'object', properties: { ...commonQuery, include_upload_config: anyParam } },
        response: { 200: sessionResponse, '4xx': errorBody, '5xx': errorBody },
      },
    },
    async (request) => {
      if (!request.identity) {
        throw new ApiError(401, { errors: { base: 'You must be logged in to use Kaltura' }, logged_in: false });
      }
      return kaltura.startSession({
        account: request.account!,
        user: request.identity.user,
        realUser: request.identity.realUser,
        includeUploadConfig: valueToBoolean(param(request, 'include_upload_config')),
        requestScheme: request.protocol,
        clientIp: request.ip ?? null,
        requestId: String(request.id),
        log: request.log,
      });
    },
  );
}
