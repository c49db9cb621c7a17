/**
 * The KS inspector: `POST /api/v1/accounts/:account_id/ks_inspection` with `{"ks": …}` in the
 * body (never the URL) answers what the KS holds and whether it verifies against the account's
 * administrator secret. The secret stays on the server; the KS is neither logged (the body is
 * never logged, and `ks` keys are cut to their tail by the log redaction) nor stored, and the
 * answer carries only its last characters.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import { inspectKs } from '../../../kaltura/ks-inspection.js';
import { adminAccount } from './admin-access.js';
import { fieldError } from './admin-input.js';
import { errorResponses, idParams, nullableInteger, nullableString, plainQuery } from './admin-schemas.js';

/** Longer than any KS Kaltura makes (privileges included), short enough to refuse junk. */
const MAX_KS_LENGTH = 16_384;

const inspectionSchema = {
  type: 'object',
  properties: {
    ks_tail: { type: 'string', description: 'the last characters of the KS (the KS itself is never returned)' },
    version: nullableInteger,
    partner_id: nullableString,
    account_partner_id: nullableString,
    user_id: nullableString,
    type: nullableInteger,
    type_name: nullableString,
    valid_until: nullableInteger,
    expires_at: nullableString,
    seconds_left: nullableInteger,
    expired: { type: ['boolean', 'null'] },
    privileges: nullableString,
    privilege_list: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { name: { type: 'string' }, values: { type: 'array', items: { type: 'string' } } }, required: ['name', 'values'] },
    },
    signature: { type: 'string', enum: ['verified', 'mismatch', 'other_partner', 'no_secret', 'not_a_ks'] },
    valid: { type: 'boolean' },
    error: nullableString,
    message: { type: 'string' },
  },
  required: ['ks_tail', 'version', 'partner_id', 'account_partner_id', 'user_id', 'type', 'type_name', 'valid_until', 'expires_at', 'seconds_left', 'expired', 'privileges', 'privilege_list', 'signature', 'valid', 'error', 'message'],
} as const;

/** Registers the inspector route. */
export async function ksInspectionRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  app.post(
    '/api/v1/accounts/:account_id/ks_inspection',
    {
      schema: {
        summary: "What a KS holds and whether it verifies against the account's administrator secret",
        tags: ['ks'],
        params: idParams('account_id'),
        querystring: plainQuery,
        body: { type: 'object', properties: { ks: { type: 'string', description: 'the KS to inspect (in the body only; never logged or kept)' } } },
        response: { 200: inspectionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const ks = typeof body.ks === 'string' ? body.ks.trim() : undefined;
      if (ks === undefined || ks === '') throw fieldError('ks', 'ks is required: paste a Kaltura session');
      if (ks.length > MAX_KS_LENGTH) throw fieldError('ks', `ks is too long (at most ${MAX_KS_LENGTH} characters)`);
      const settings = await ctx.settings.effective(account.id);
      const partner = settings.plain.partner_id;
      return inspectKs(
        ks,
        { partnerId: partner === undefined || partner === null || String(partner).trim() === '' ? null : String(partner).trim(), adminSecret: settings.secrets.secret_key ?? null },
        Math.floor(Date.now() / 1000),
      );
    },
  );
}
