/**
 * Opening the service's state: database, migrations, keys and the AppContext; and the first
 * start's seeding (default root account, an admin user and that admin's access token).
 */
import type { Config } from './config.js';
import { openStorage } from './open-storage.js';
import { createAppContext, type AppContext, type ContextOptions } from './app-context.js';
import { withStartupLock } from './db/startup-lock.js';

/** Opens the database, migrates it, loads the keys and builds the context. */
export async function openContext(config: Config, warn: (m: string) => void, options: ContextOptions & { backgroundCheckpoints?: boolean } = {}): Promise<AppContext> {
  const { backgroundCheckpoints = false, ...contextOptions } = options;
  // a bus given by the caller replaces the shared Redis one (and Redis is then not opened)
  const storage = await openStorage(config, warn, { redis: !options.bus, backgroundCheckpoints });
  const { db, keyring, redis } = storage;
  const ctx = createAppContext(config, db, keyring, redis ? { widgetSessions: redis.widgetSessions, ...contextOptions, bus: redis.bus, redis } : contextOptions);
  const close = ctx.close;
  ctx.close = async () => {
    await close();
    await storage.close();
  };
  return ctx;
}

/** What the first start created. */
export interface FirstStart {
  accountId: number;
  userId: number;
  login: string;
  token: string;
}

/**
 * On an empty database: creates the default root account and a site admin with an access token.
 * Returns null when accounts exist already.
 */
export async function seedIfEmpty(ctx: AppContext): Promise<FirstStart | null> {
  // Instances starting together on an empty database: one seeds, the others then see accounts.
  return withStartupLock(ctx.db, 'seed', () => seedUnlocked(ctx));
}

async function seedUnlocked(ctx: AppContext): Promise<FirstStart | null> {
  if ((await ctx.accounts.count()) > 0) return null;
  const account = await ctx.accounts.create({ name: 'Default Account', isDefault: true });
  const { user, login } = await ctx.users.create({
    accountId: account.id,
    name: 'Site Administrator',
    login: 'admin',
    admin: { role: 'AccountAdmin', becomeUser: true, siteAdmin: true },
  });
  const { token } = await ctx.tokens.create({ userId: user.id, purpose: 'initial administrator token' });
  return { accountId: account.id, userId: user.id, login: login.uniqueId, token };
}
