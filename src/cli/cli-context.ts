/** Shared plumbing of the CLI's database commands: open the context, run, print, close. */
import type { CoreServices } from '../core-services.js';
import { UsageError, type CliIo } from './cli-io.js';

/** What a database command gets: the database-backed services (no HTTP layer, metrics or Kaltura issuers). */
export type CliContext = CoreServices;

/** What a command needs beyond the database. */
export interface ContextNeeds {
  /** attach the Kaltura connectivity check to `settings` (settings set/unset/check) */
  kalturaCheck?: boolean;
}

/**
 * Runs `fn` with an open context (database from DATABASE_URL) and closes it afterwards. Invalidations
 * go out on the shared Redis bus when REDIS_URL is set, so running services drop what they cached.
 */
export async function withContext<T>(io: CliIo, fn: (ctx: CliContext) => Promise<T>): Promise<T>;
export async function withContext<T>(io: CliIo, needs: ContextNeeds, fn: (ctx: CliContext) => Promise<T>): Promise<T>;
export async function withContext<T>(io: CliIo, a: ContextNeeds | ((ctx: CliContext) => Promise<T>), b?: (ctx: CliContext) => Promise<T>): Promise<T> {
  const [needs, fn] = typeof a === 'function' ? [{}, a] : [a, b!];
  // loaded here, not at the top: only database commands pay for the database and services,
  // and none of them for the server, metrics or the Kaltura client (unless it checks settings)
  const [{ loadConfig }, { openStorage }, { createCoreServices }, { LocalInvalidationBus }] = await Promise.all([
    import('../config.js'),
    import('../open-storage.js'),
    import('../core-services.js'),
    import('../cache/invalidation-bus.js'),
  ]);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const storage = await openStorage(config, (m) => io.err(`warning: ${m}\n`));
  const bus = storage.redis?.bus ?? new LocalInvalidationBus();
  try {
    const ctx = createCoreServices(config, storage.db, storage.keyring, bus);
    if (needs.kalturaCheck) ctx.settings.useChecker((await import('../kaltura/kaltura-connectivity.js')).createSettingsChecker());
    return await fn(ctx);
  } finally {
    await bus.close();
    await storage.close();
  }
}

/** Prints `value` as JSON (with --json) or as `human` text. */
export function print(io: CliIo, json: boolean | undefined, value: unknown, human: string): void {
  io.out(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

/** Parses a positive integer option or argument. */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
    return Number(value);
  };
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses an ISO-8601 time option. */
export function isoTime(name: string) {
  return (value: string): string => {
    const t = Date.parse(value);
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UsageError(`${name} must be an ISO 8601 time, got "${value}"`);
    return new Date(t).toISOString();
  };
}
