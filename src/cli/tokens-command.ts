/** `canvas-kaltura tokens …`: access tokens. */
import type { Command } from 'commander';
import { tokenJson } from '../tokens/access-token-json.js';
import { TokenInputError } from '../tokens/access-token-service.js';
import { UsageError, type CliIo } from './cli-io.js';
import { collect, isoTime, positiveInt, print, withContext } from './cli-context.js';


/** Adds `tokens create|revoke`. */
export function registerTokenCommands(program: Command, io: CliIo): void {
  const tokens = program.command('tokens').description('access tokens');
  tokens
    .command('create')
    .description('create an access token (printed once)')
    .requiredOption('--user <id>', 'user id', positiveInt('--user'))
    .option('--developer-key <id>', 'developer key id', positiveInt('--developer-key'))
    .option('--scope <scope>', 'a scope (repeatable; must be within the developer key\'s scopes)', collect, [])
    .option('--expires-at <time>', 'expiry, ISO 8601', isoTime('--expires-at'))
    .option('--purpose <text>', 'what the token is for')
    .option('--json', 'print JSON')
    .action(async (opts: { user: number; developerKey?: number; scope: string[]; expiresAt?: string; purpose?: string; json?: boolean }) => {
      await withContext(io, async (ctx) => {
        if (!(await ctx.users.findById(opts.user))) throw new UsageError(`user ${opts.user} not found`);
        try {
          const { token, record } = await ctx.tokens.create({
            userId: opts.user,
            developerKeyId: opts.developerKey ?? null,
            scopes: opts.scope,
            expiresAt: opts.expiresAt ?? null,
            purpose: opts.purpose ?? null,
          });
          print(io, opts.json, { ...tokenJson(record), token }, `token ${record.id} for user ${opts.user} (shown once): ${token}`);
        } catch (err) {
          if (err instanceof TokenInputError) throw new UsageError(err.message);
          throw err;
        }
      });
    });
  tokens
    .command('revoke')
    .description('revoke an access token')
    .argument('<id>', 'token id', positiveInt('token id'))
    .option('--json', 'print JSON')
    .action(async (id: number, opts: { json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const existing = await ctx.tokens.find(id);
        if (!existing) throw new UsageError(`token ${id} not found`);
        await ctx.tokens.revoke(id);
        print(io, opts.json, { id, workflow_state: 'deleted' }, `revoked token ${id}`);
      });
    });
}
