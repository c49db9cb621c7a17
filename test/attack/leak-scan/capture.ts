/**
 * Connects a test app to the leak recorder: notes the secrets the tests hand to the app
 * (token creation, settings with secrets, encryption keys), records every response the app
 * sends, and at close records the rows that must never hold a secret (error reports, the
 * session audit, Kaltura calls, settings check answers) and the metrics exposition.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../src/app-context.js';
import type { LeakRecorder } from './leak-recorder.js';

/** Settings keys holding secrets, and what the scan calls them. */
export const SETTINGS_SECRET_KINDS: Readonly<Record<string, string>> = {
  secret_key: 'admin secret',
  user_secret_key: 'user secret',
  app_token: 'app token',
};

/** Records the secrets in submitted settings values. */
export function recordSettingsSecrets(recorder: LeakRecorder, values: Record<string, unknown>): void {
  for (const [key, kind] of Object.entries(SETTINGS_SECRET_KINDS)) recorder.recordSecret(kind, values[key]);
}

/** Records every token the context creates and every secret saved through its settings. */
export function watchCreatedSecrets(ctx: AppContext, recorder: LeakRecorder): void {
  if (!recorder.enabled) return;
  for (const key of (ctx.config.secretKeys ?? '').split(',')) recorder.recordSecret('encryption key', key.trim());
  const createToken = ctx.tokens.create.bind(ctx.tokens);
  ctx.tokens.create = async (input) => {
    const created = await createToken(input);
    recorder.recordSecret('access token', created.token);
    return created;
  };
  const updateSettings = ctx.settings.update.bind(ctx.settings);
  ctx.settings.update = async (accountId, submitted, options) => {
    if (submitted && typeof submitted === 'object') recordSettingsSecrets(recorder, submitted);
    return updateSettings(accountId, submitted, options);
  };
}

/** Records the status, headers and body of every response the app sends (inject or network). */
export function captureResponses(app: FastifyInstance, recorder: LeakRecorder): void {
  if (!recorder.enabled) return;
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      const body = typeof payload === 'string' ? payload : payload.toString('utf8');
      const source = request.url.startsWith('/metrics') ? 'metrics output' : 'response';
      recorder.recordResponse(source, `HTTP ${reply.statusCode} ${JSON.stringify(reply.getHeaders())}`, body);
    }
    return payload;
  });
}

/** Records the error reports, the session audit and the metrics of an app about to close. */
export async function captureAtClose(_app: FastifyInstance, ctx: AppContext, recorder: LeakRecorder): Promise<void> {
  if (!recorder.enabled) return;
  for (const table of ['error_reports', 'kaltura_sessions', 'kaltura_calls', 'kaltura_settings_checks'] as const) {
    try {
      const rows = await ctx.db.kysely.selectFrom(table).selectAll().execute();
      if (rows.length) recorder.recordOutput(`${table} rows`, JSON.stringify(rows));
    } catch {
      /* the test closed the database itself */
    }
  }
  // what /metrics would serve (the route exists only with METRICS_TOKEN; the registry always does)
  try {
    recorder.recordOutput('metrics output', (await ctx.metrics.exposition()).body);
  } catch {
    /* closed already */
  }
}
