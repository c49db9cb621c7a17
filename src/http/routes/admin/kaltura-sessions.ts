/**
 * The audit log of minted Kaltura sessions: `GET /api/v1/accounts/:account_id/kaltura_sessions`
 * (filters user_id, since, until, mode; paginated, newest first). Entries keep only the KS's
 * last characters, never the KS.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app-context.js';
import type { AuditFilter } from '../../../audit/session-audit-repository.js';
import { SESSION_MODES } from '../../../settings/kaltura-settings.js';
import { adminAccount } from './admin-access.js';
import { fieldError, isoTime, text } from './admin-input.js';
import { errorResponses, idParams, nullableInteger, nullableString, pageQuery } from './admin-schemas.js';
import { pageOf, setLinkHeader } from './paginate.js';
import { sessionEntryJson } from '../../../audit/session-audit-json.js';

/** One audit entry. */
export const sessionEntrySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    created_at: { type: 'string' },
    account_id: { type: 'integer' },
    user_id: { type: 'integer' },
    real_user_id: nullableInteger,
    uid: { type: 'string' },
    mode: { type: 'string' },
    expires_at: { type: 'string' },
    privileges: { type: 'string' },
    ks_tail: { type: 'string', description: 'the last characters of the KS, to match it in Kaltura logs' },
    client_ip: nullableString,
    request_id: nullableString,
  },
  required: ['id', 'created_at', 'account_id', 'user_id', 'real_user_id', 'uid', 'mode', 'expires_at', 'privileges', 'ks_tail', 'client_ip', 'request_id'],
} as const;


const query = {
  type: 'object',
  properties: {
    ...pageQuery,
    user_id: { type: 'string', description: 'only sessions of this user (the effective user)' },
    since: { type: 'string', description: 'only sessions at or after this ISO 8601 time' },
    until: { type: 'string', description: 'only sessions before this ISO 8601 time' },
    mode: { type: 'string', description: `only sessions minted in this mode: ${SESSION_MODES.join(', ')}` },
  },
} as const;

/** Registers the audit-log route. */
export async function kalturaSessionRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;

  app.get(
    '/api/v1/accounts/:account_id/kaltura_sessions',
    {
      schema: {
        summary: 'The Kaltura sessions minted in the account (audit log, newest first, paginated)',
        tags: ['audit'],
        params: idParams('account_id'),
        querystring: query,
        response: { 200: { type: 'array', items: sessionEntrySchema }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { account } = await adminAccount(ctx, request, (request.params as { account_id: string }).account_id);
      const q = request.query as Record<string, unknown>;
      const filter: AuditFilter = { accountId: account.id };
      const userId = text(q.user_id, 'user_id');
      if (userId !== undefined) {
        if (!/^\d{1,15}$/.test(userId) || Number(userId) < 1) throw fieldError('user_id', 'user_id must be a positive whole number');
        filter.userId = Number(userId);
      }
      const since = isoTime(q.since, 'since');
      const until = isoTime(q.until, 'until');
      if (since !== undefined) filter.since = since;
      if (until !== undefined) filter.until = until;
      if (since !== undefined && until !== undefined && since >= until) throw fieldError('until', 'until must be later than since');
      const mode = text(q.mode, 'mode');
      if (mode !== undefined) {
        if (!(SESSION_MODES as readonly string[]).includes(mode)) throw fieldError('mode', `mode must be one of ${SESSION_MODES.join(', ')}`);
        filter.mode = mode;
      }
      const page = pageOf(request);
      const [entries, total] = await Promise.all([ctx.audit.list(filter, page.perPage, page.offset), ctx.audit.count(filter)]);
      setLinkHeader(request, reply, page, total);
      return entries.map(sessionEntryJson);
    },
  );
}
