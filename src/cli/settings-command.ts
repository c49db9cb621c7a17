/** `canvas-kaltura settings …`: Kaltura settings, site-wide or per root account. */
import type { Command } from 'commander';
import { UsageError, type CliIo } from './cli-io.js';
import { positiveInt, print, withContext, type CliContext } from './cli-context.js';

async function level(ctx: CliContext, account: number | undefined): Promise<number | null> {
  if (account === undefined) return null;
  if (!(await ctx.accounts.findById(account))) throw new UsageError(`account ${account} not found`);
  return account;
}

function parsePairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Adds `settings set|show|enable|disable|check|reencrypt`. */
export function registerSettingsCommands(program: Command, io: CliIo): void {
  const settings = program.command('settings').description('Kaltura settings (site-wide, or one root account with --account)');
  settings
    .command('set')
    .description("change settings with Canvas's validator rules; secrets are write-only")
    .argument('<pairs...>', 'KEY=VALUE pairs, e.g. partner_id=100 secret_key=…')
    .option('--account <id>', 'root account id (default: site-wide)', positiveInt('--account'))
    .option('--check', 'check the settings against Kaltura before saving')
    .option('--force', 'save even when the check fails')
    .option('--no-enable', "don't turn Kaltura on: a level's first save otherwise does (unless site-wide settings say disabled)")
    .option('--json', 'print JSON')
    .action(async (pairs: string[], opts: { account?: number; check?: boolean; force?: boolean; enable: boolean; json?: boolean }) => {
      const submitted = parsePairs(pairs);
      await withContext(io, { kalturaCheck: true }, async (ctx) => {
        const accountId = await level(ctx, opts.account);
        const result = await ctx.settings.update(accountId, submitted, { check: opts.check === true, force: opts.force === true, ...(opts.enable ? {} : { enabled: false }) });
        if (!result.ok) {
          io.err(result.errors.map((e) => `error: ${e.message}`).join('\n') + '\n');
          if (opts.json) io.out(`${JSON.stringify({ errors: result.errors, check: result.check })}\n`);
          io.exitCode = 1;
          return;
        }
        const checkLine = result.check ? `\ncheck: ${result.check.outcome}: ${result.check.message}` : '';
        print(io, opts.json, { ...result.settings, check: result.check }, `saved ${accountId === null ? 'site-wide' : `account ${accountId}`} settings${checkLine}`);
      });
    });
  settings
    .command('unset')
    .description('remove keys (secrets included) from one level, so the site-wide value or the default applies')
    .argument('<keys...>', 'setting keys, e.g. user_secret_key')
    .option('--account <id>', 'root account id (default: site-wide)', positiveInt('--account'))
    .option('--json', 'print JSON')
    .action(async (keys: string[], opts: { account?: number; json?: boolean }) => {
      await withContext(io, { kalturaCheck: true }, async (ctx) => {
        const accountId = await level(ctx, opts.account);
        const result = await ctx.settings.update(accountId, {}, { unset: keys, force: true });
        if (!result.ok) {
          io.err(result.errors.map((e) => `error: ${e.message}`).join('\n') + '\n');
          io.exitCode = 1;
          return;
        }
        print(io, opts.json, result.settings, `removed ${keys.join(', ')}`);
      });
    });
  settings
    .command('show')
    .description('show stored settings (secrets masked)')
    .option('--account <id>', 'root account id (default: site-wide)', positiveInt('--account'))
    .option('--json', 'print JSON')
    .action(async (opts: { account?: number; json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const shown = await ctx.settings.show(await level(ctx, opts.account));
        const lines = [`enabled: ${shown.enabled === null ? '(inherits site-wide)' : shown.enabled}`, ...Object.entries(shown.settings).map(([k, v]) => `${k}: ${String(v)}`)];
        print(io, opts.json, shown, lines.join('\n'));
      });
    });
  for (const name of ['enable', 'disable'] as const) {
    settings
      .command(name)
      .description(`${name} Kaltura`)
      .option('--account <id>', 'root account id (default: site-wide)', positiveInt('--account'))
      .option('--json', 'print JSON')
      .action(async (opts: { account?: number; json?: boolean }) => {
        await withContext(io, async (ctx) => {
          const shown = await ctx.settings.setEnabled(await level(ctx, opts.account), name === 'enable');
          print(io, opts.json, shown, `Kaltura ${name}d`);
        });
      });
  }
  settings
    .command('check')
    .description('check the settings in force against Kaltura, changing nothing')
    .option('--account <id>', 'root account id (default: site-wide)', positiveInt('--account'))
    .option('--json', 'print JSON')
    .action(async (opts: { account?: number; json?: boolean }) => {
      await withContext(io, { kalturaCheck: true }, async (ctx) => {
        const result = await ctx.settings.checkNow(await level(ctx, opts.account));
        if (!result) throw new UsageError('no connectivity check is available');
        print(io, opts.json, result, `${result.outcome}: ${result.message}`);
        if (!result.ok) io.exitCode = 1;
      });
    });
  settings
    .command('reencrypt')
    .description('re-encrypt every stored secret under the first key of SECRET_KEYS (after a key rotation)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const n = await ctx.settings.reencryptAll();
        print(io, opts.json, { reencrypted: n }, `re-encrypted ${n} secret(s)`);
      });
    });
}
