/** `canvas-kaltura users …`: users and their logins. */
import type { Command } from 'commander';
import { DuplicateLoginError } from '../users/user-repository.js';
import { UsageError, type CliIo } from './cli-io.js';
import { positiveInt, print, withContext } from './cli-context.js';

/** Adds `users create|suspend|activate`. */
export function registerUserCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('users and logins');
  users
    .command('create')
    .description('create a user with a login in a root account')
    .requiredOption('--account <id>', 'root account id', positiveInt('--account'))
    .requiredOption('--name <name>', "the user's name")
    .requiredOption('--login <login>', 'login (unique id) in the account')
    .option('--sis-user-id <sis>', 'SIS user id')
    .option('--admin', 'make the user an account admin (with become_user)')
    .option('--site-admin', 'also a site admin (may manage site-wide settings)')
    .option('--json', 'print JSON')
    .action(async (opts: { account: number; name: string; login: string; sisUserId?: string; admin?: boolean; siteAdmin?: boolean; json?: boolean }) => {
      if (opts.name.trim() === '') throw new UsageError('--name must not be blank');
      if (opts.login.trim() === '' || opts.login.length > 255) throw new UsageError('--login must be 1 to 255 characters');
      await withContext(io, async (ctx) => {
        const account = await ctx.accounts.findById(opts.account);
        if (!account) throw new UsageError(`account ${opts.account} not found`);
        try {
          const admin = opts.admin || opts.siteAdmin ? { becomeUser: true, siteAdmin: opts.siteAdmin === true } : undefined;
          const { user, login } = await ctx.users.create({
            accountId: account.id,
            name: opts.name.trim(),
            login: opts.login.trim(),
            sisUserId: opts.sisUserId ?? null,
            ...(admin ? { admin } : {}),
          });
          const out = {
            id: user.id,
            uuid: user.uuid,
            name: user.name,
            login_id: login.uniqueId,
            sis_user_id: login.sisUserId,
            account_id: account.id,
            admin: admin !== undefined,
            site_admin: opts.siteAdmin === true,
          };
          print(io, opts.json, out, `created user ${user.id} "${user.name}" with login "${login.uniqueId}" in account ${account.id}`);
        } catch (err) {
          if (err instanceof DuplicateLoginError) throw new UsageError(err.message);
          throw err;
        }
      });
    });

  for (const [name, state] of [['suspend', 'suspended'], ['activate', 'active']] as const) {
    users
      .command(name)
      .description(`${name} a user's login in a root account`)
      .argument('<user-id>', 'user id', positiveInt('user id'))
      .requiredOption('--account <id>', 'root account id', positiveInt('--account'))
      .option('--json', 'print JSON')
      .action(async (userId: number, opts: { account: number; json?: boolean }) => {
        await withContext(io, async (ctx) => {
          const logins = await ctx.users.loginsOf(userId, opts.account);
          if (logins.length === 0) throw new UsageError(`user ${userId} has no login in account ${opts.account}`);
          for (const l of logins) await ctx.users.setLoginState(l.id, state);
          ctx.bus.publish('user', String(userId));
          print(io, opts.json, { id: userId, account_id: opts.account, workflow_state: state }, `user ${userId}: login ${state}`);
        });
      });
  }
}
