/** `canvas-kaltura accounts …`: root accounts. */
import type { Command } from 'commander';
import type { Account } from '../accounts/account-repository.js';
import { UsageError, type CliIo } from './cli-io.js';
import { collect, print, withContext } from './cli-context.js';

function view(a: Account) {
  return { id: a.id, uuid: a.uuid, name: a.name, domains: a.domains, default: a.isDefault };
}

const DOMAIN_RE = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Adds `accounts create|list`. */
export function registerAccountCommands(program: Command, io: CliIo): void {
  const accounts = program.command('accounts').description('root accounts');
  accounts
    .command('create')
    .description('create a root account')
    .requiredOption('--name <name>', 'account name')
    .option('--domain <domain>', 'a Host name that selects this account (repeatable)', collect, [])
    .option('--default', 'make it the default account (used when no domain matches)')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; domain: string[]; default?: boolean; json?: boolean }) => {
      if (opts.name.trim() === '') throw new UsageError('--name must not be blank');
      for (const d of opts.domain) if (!DOMAIN_RE.test(d)) throw new UsageError(`--domain must be a host name, got "${d}"`);
      await withContext(io, async (ctx) => {
        for (const d of opts.domain) {
          if (await ctx.accounts.findByDomain(d)) throw new UsageError(`the domain "${d}" already belongs to an account`);
        }
        const a = await ctx.accounts.create({ name: opts.name.trim(), domains: opts.domain, isDefault: opts.default === true });
        ctx.bus.publish('account', String(a.id));
        print(io, opts.json, view(a), `created account ${a.id} "${a.name}" (${a.uuid})`);
      });
    });
  accounts
    .command('list')
    .description('list root accounts')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const all = (await ctx.accounts.list()).map(view);
        print(io, opts.json, all, all.map((a) => `${a.id}\t${a.name}\t${a.domains.join(',')}${a.default ? '\t(default)' : ''}`).join('\n'));
      });
    });
}
