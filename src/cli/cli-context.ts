/** Shared plumbing of the CLI's database commands: open the context, run, print, close. */
import type { AppContext } from '../app-context.js';
import { UsageError, type CliIo } from './cli-io.js';

/** Runs `fn` with an open context (database from DATABASE_URL) and closes it afterwards. */
export async function withContext<T>(io: CliIo, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  // loaded here, not at the top: only database commands pay for the database and services
  const [{ loadConfig }, { openContext }] = await Promise.all([import('../config.js'), import('../bootstrap.js')]);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const ctx = await openContext(config, (m) => io.err(`warning: ${m}\n`));
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
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
