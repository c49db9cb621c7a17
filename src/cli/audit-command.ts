/** `canvas-kaltura audit list`: the log of minted sessions. */
import type { Command } from 'commander';
import { isoTime, positiveInt, print, withContext } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import { sessionEntryJson } from '../audit/session-audit-json.js';

/** Adds `audit list`. */
export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command('audit').description('audit log of minted Kaltura sessions');
  audit
    .command('list')
    .description('list minted sessions, newest first')
    .option('--account <id>', 'root account id', positiveInt('--account'))
    .option('--user <id>', 'user id', positiveInt('--user'))
    .option('--since <time>', 'only sessions minted at or after this ISO 8601 time', isoTime('--since'))
    .option('--limit <n>', 'at most this many (default 100)', positiveInt('--limit'), 100)
    .option('--json', 'print JSON')
    .action(async (opts: { account?: number; user?: number; since?: string; limit: number; json?: boolean }) => {
      await withContext(io, async (ctx) => {
        const rows = await ctx.audit.list(
          {
            ...(opts.account !== undefined ? { accountId: opts.account } : {}),
            ...(opts.user !== undefined ? { userId: opts.user } : {}),
            ...(opts.since !== undefined ? { since: opts.since } : {}),
          },
          opts.limit,
          0,
        );
        const view = rows.map(sessionEntryJson);
        print(io, opts.json, view, view.map((r) => `${r.created_at}\t${r.uid}\t${r.mode}\t…${r.ks_tail}\t${r.client_ip ?? ''}`).join('\n'));
      });
    });
}
