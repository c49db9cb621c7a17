/**
 * Seeds a benchmark database through the service's own code (openContext: migrations, keyring,
 * repositories and services): root accounts with domains, users with logins, access tokens, and
 * the Kaltura settings (site-wide local mode; optionally one account in remote mode).
 */
import type { Request } from 'autocannon';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { openContext } from '../src/bootstrap.js';
import type { AppContext } from '../src/app-context.js';
import { MediaObjectRepository } from '../src/media/media-object-repository.js';

/** Site-wide settings: Canvas's own spec case (local mode by default). */
export const BENCH_SETTINGS = {
  domain: 'kaltura.example.com',
  resource_domain: 'cdn.kaltura.example.com',
  rtmp_domain: 'rtmp.kaltura.example.com',
  partner_id: '100',
  subpartner_id: '10000',
  player_ui_conf: '1',
  kcw_ui_conf: '1',
  upload_ui_conf: '1',
  hide_rte_button: false,
} as const;

/** A caller: a token and the Host header of the root account its user has a login in. */
export interface Caller {
  token: string;
  host: string;
}

/** One request per caller: `method path` with the caller's Host header and Bearer token. */
export function requestsFor(callers: readonly Caller[], method: string, path: string): (Request & { headers: Record<string, string> })[] {
  return callers.map((c) => ({ method, path, headers: { host: c.host, authorization: `Bearer ${c.token}` } }));
}

/** The Kaltura double a remote-mode account talks to. */
export interface RemoteKaltura {
  /** host:port of the double */
  hostPort: string;
  partnerId: string;
  adminSecret: string;
  userSecret: string;
}

export interface SeedPlan {
  /** root accounts (the first is the default one) */
  accounts: number;
  /** users, one login and one token each, spread over the accounts in turn */
  tokens: number;
  /** add one more account, `remote.bench.test`, whose sessions come from this Kaltura */
  remote?: RemoteKaltura;
}

export interface Seeded {
  /** every token made, with its account's host, in creation order */
  callers: Caller[];
  /** the caller of the remote-mode account, when asked for */
  remoteCaller?: Caller;
}

/** The domain of the n-th (0-based) benchmark account. */
export function accountHost(n: number): string {
  return `a${n + 1}.bench.test`;
}

/** Media objects each of the first bench users owns: one page of `GET /api/v1/media_objects` (Canvas's default 10). */
export const MEDIA_OBJECTS_PER_USER = 10;
/** Users with media objects: the callers of the endpoint runs (the scaling runs' thousands of tokens need none). */
const USERS_WITH_MEDIA = 10;

async function addUser(ctx: AppContext, accountId: number, n: number, host: string): Promise<Caller> {
  const { user } = await ctx.users.create({ accountId, name: `Bench User ${n}`, login: `bench-user-${n}` });
  const { token } = await ctx.tokens.create({ userId: user.id, purpose: 'benchmark' });
  if (n < USERS_WITH_MEDIA) await addMediaObjects(ctx, accountId, user.id, n);
  return { token, host };
}

/**
 * The user's media objects, written through the repository and marked as already fetched from
 * Kaltura: the bench's Kaltura domain is not a real host, and a listing must not call it.
 */
async function addMediaObjects(ctx: AppContext, accountId: number, userId: number, n: number): Promise<void> {
  const repo = new MediaObjectRepository(ctx.db.kysely);
  const now = new Date().toISOString();
  for (let i = 0; i < MEDIA_OBJECTS_PER_USER; i++) {
    const mediaId = `0_${(n * MEDIA_OBJECTS_PER_USER + i).toString(36).padStart(8, '0')}`;
    const row = await repo.insert({ rootAccountId: accountId, mediaId, mediaType: 'video', title: `Bench recording ${i + 1}`, userEnteredTitle: null, contextCode: `user_${userId}`, userId, createdAt: now, updatedAt: now });
    if (!row) throw new Error(`media object ${mediaId} exists already`);
    await repo.update(row.id, { duration: 60 + i, kalturaSyncedAt: now });
  }
}

/** Seeds an empty database configured by `env` (DATA_DIR or DATABASE_URL, SECRET_KEYS …). */
export async function seedDatabase(env: Record<string, string>, plan: SeedPlan): Promise<Seeded> {
  const ctx = await openContext(loadConfig(env), (m) => process.stderr.write(`seed: ${m}\n`));
  try {
    if ((await ctx.accounts.count()) > 0) throw new Error('benchmark database is not empty');
    const accounts = [];
    for (let i = 0; i < plan.accounts; i++) {
      accounts.push(await ctx.accounts.create({ name: `Bench Account ${i + 1}`, domains: [accountHost(i)], isDefault: i === 0 }));
    }
    const site = await ctx.settings.update(null, { ...BENCH_SETTINGS, secret_key: randomBytes(16).toString('hex'), user_secret_key: randomBytes(16).toString('hex') });
    if (!site.ok) throw new Error(`settings refused: ${JSON.stringify(site.errors)}`);
    const callers: Caller[] = [];
    for (let n = 0; n < plan.tokens; n++) {
      const k = n % accounts.length;
      callers.push(await addUser(ctx, accounts[k]!.id, n, accountHost(k)));
    }
    const seeded: Seeded = { callers };
    if (plan.remote) {
      const account = await ctx.accounts.create({ name: 'Bench Remote Account', domains: ['remote.bench.test'] });
      const r = plan.remote;
      const saved = await ctx.settings.update(account.id, {
        session_mode: 'remote',
        domain: r.hostPort,
        protocol: 'http',
        partner_id: r.partnerId,
        secret_key: r.adminSecret,
        user_secret_key: r.userSecret,
      }, { check: true });
      if (!saved.ok) throw new Error(`remote settings refused: ${JSON.stringify(saved.errors)}`);
      seeded.remoteCaller = await addUser(ctx, account.id, plan.tokens, 'remote.bench.test');
    }
    return seeded;
  } finally {
    await ctx.close();
  }
}
