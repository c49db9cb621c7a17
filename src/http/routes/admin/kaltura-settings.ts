/**
 * Kaltura settings (ours; Canvas keeps them in its plugin settings page, without an API):
 * `GET/PUT /api/v1/accounts/:account_id/kaltura_settings` for one root account's overrides and
 * `GET/PUT /api/v1/kaltura_settings` for the site-wide values (site admins only). Canvas's
 * validator rules apply; secrets are write-only (masked in every answer); `check` runs the
 * connectivity check, `force` saves even when it fails.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { MaskedSettings, SettingsCheckResult } from '../../../settings/settings-service.js';
import { ALL_SETTING_KEYS, SECRET_KEYS } from '../../../settings/kaltura-settings.js';
import { param } from '../../request-params.js';
import { adminAccount, requireSiteAdmin } from './admin-access.js';
import { fieldErrors, flag, section } from './admin-input.js';
import { errorResponses, flagField, idParams, nullableInteger, nullableString, plainQuery } from './admin-schemas.js';

const checkSchema = {
  type: ['object', 'null'],
  description: 'the connectivity check, when it ran',
  properties: { ok: { type: 'boolean' }, outcome: { type: 'string' }, message: { type: 'string' } },
} as const;

/** The settings of one level, secrets masked. */
export const settingsSchema = {
  type: 'object',
  properties: {
    account_id: { ...nullableInteger, description: 'null for the site-wide settings' },
    enabled: { type: ['boolean', 'null'], description: 'null on an account: follows the site-wide switch' },
    settings: {
      type: 'object',
      description: `stored values; ${SECRET_KEYS.join(', ')} appear only as "********" when set`,
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    updated_at: nullableString,
    check: checkSchema,
  },
  required: ['account_id', 'enabled', 'settings', 'updated_at'],
} as const;

const settingValue = { description: 'a single value: text, number or true/false' } as const;

const updateBody = {
  type: 'object',
  properties: {
    settings: {
      type: 'object',
      description: `values to save (settings[domain]=… or {"settings":{…}}): ${ALL_SETTING_KEYS.join(', ')}; a blank secret keeps the stored one; unknown keys are dropped (Canvas)`,
      properties: Object.fromEntries(ALL_SETTING_KEYS.map((k) => [k, settingValue])),
    },
    enabled: flagField('turn Kaltura on or off at this level'),
    check: flagField('run the connectivity check even where the session mode does not ask for it'),
    force: flagField('save even when the connectivity check fails'),
  },
} as const;

const updateQuery = {
  type: 'object',
  properties: { ...plainQuery.properties, check: flagField('as in the body'), force: flagField('as in the body') },
} as const;

/** Registers the settings routes. */
export async function kalturaSettingsRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  /** Validates, saves and answers one PUT for a level (null: site-wide). */
  async function update(request: FastifyRequest, accountId: number | null): Promise<MaskedSettings & { check: SettingsCheckResult | null }> {
    const values = section(request.body, 'settings');
    const enabled = flag(param(request, 'enabled'), 'enabled');
    const check = flag(param(request, 'check'), 'check') ?? false;
    const force = flag(param(request, 'force'), 'force') ?? false;
    let checkResult: SettingsCheckResult | null = null;
    if (Object.keys(values).length > 0) {
      const result = await ctx.settings.update(accountId, values, { check, force, ...(enabled !== undefined ? { enabled } : {}) });
      if (!result.ok) throw fieldErrors(result.errors, result.check ? { check: result.check } : {});
      checkResult = result.check;
    } else if (check) {
      checkResult = await ctx.settings.checkNow(accountId);
    }
    if (enabled !== undefined) await ctx.settings.setEnabled(accountId, enabled);
    return { ...(await ctx.settings.show(accountId)), check: checkResult };
  }

  app.get(
    '/api/v1/accounts/:account_id/kaltura_settings',
    {
      schema: {
        summary: "The root account's own Kaltura settings (secrets masked)",
        tags: ['kaltura settings'],
        params: idParams('account_id'),
        querystring: plainQuery,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      return ctx.settings.show(account.id);
    },
  );

  app.put(
    '/api/v1/accounts/:account_id/kaltura_settings',
    {
      schema: {
        summary: "Change the root account's Kaltura settings (Canvas's validator, optional connectivity check)",
        tags: ['kaltura settings'],
        params: idParams('account_id'),
        querystring: updateQuery,
        body: updateBody,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      return update(request, account.id);
    },
  );

  app.get(
    '/api/v1/kaltura_settings',
    {
      schema: {
        summary: 'The site-wide Kaltura settings (site admins; secrets masked)',
        tags: ['kaltura settings'],
        querystring: plainQuery,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      await requireSiteAdmin(ctx, request);
      return ctx.settings.show(null);
    },
  );

  app.put(
    '/api/v1/kaltura_settings',
    {
      schema: {
        summary: 'Change the site-wide Kaltura settings (site admins)',
        tags: ['kaltura settings'],
        querystring: updateQuery,
        body: updateBody,
        response: { 200: settingsSchema, ...errorResponses },
      },
    },
    async (request) => {
      await requireSiteAdmin(ctx, request);
      return update(request, null);
    },
  );
}
