/** `canvas-kaltura ks …`: generate and inspect Kaltura Sessions with the KS codec. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { decodeKsUnverified, generateKs, KsOptionError, parseKs } from '../ks/index.js';
import type { CliIo } from './cli-io.js';

const INTEGER = /^-?[0-9]+$/;

function integerArg(what: string) {
  return (value: string): number => {
    if (!INTEGER.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`${what} must be an integer.`);
    return Number(value);
  };
}

function partnerIdArg(value: string): string {
  if (!INTEGER.test(value) || value.length > 20) throw new InvalidArgumentError('partner id must be an integer.');
  return value;
}

function nonEmpty(what: string) {
  return (value: string): string => {
    if (value.length === 0) throw new InvalidArgumentError(`${what} cannot be empty.`);
    return value;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  if (value.length === 0) throw new InvalidArgumentError('secret cannot be empty.');
  return [...previous, value];
}

interface GenerateFlags {
  partnerId: string;
  secret: string;
  user?: string;
  type: string;
  expiry: number;
  privileges?: string;
  version: string;
  json?: boolean;
}

interface InspectFlags {
  partnerId?: string;
  secret?: string[];
  remoteAddr?: string;
  requestUri?: string;
  json?: boolean;
}

/** Adds the `ks` command group (`ks generate`, `ks inspect`). */
export function registerKsCommands(program: Command, io: CliIo): void {
  const ks = program.command('ks').description('Kaltura Session tools');

  ks.command('generate')
    .description('print a new KS signed with the partner ADMIN secret')
    .requiredOption('--partner-id <id>', 'partner id', partnerIdArg)
    .requiredOption('--secret <secret>', "the partner's admin secret", nonEmpty('secret'))
    .option('--user <userId>', 'user id')
    .addOption(new Option('--type <type>', '0 USER or 2 ADMIN').choices(['0', '2']).default('0'))
    .option('--expiry <seconds>', 'lifetime in seconds', integerArg('expiry'), 86400)
    .option('--privileges <privileges>', 'privilege string, e.g. sview:*,list:*')
    .addOption(new Option('--version <version>', 'KS version').choices(['1', '2']).default('2'))
    .option('--json', 'print one JSON object: ks, partner_id, user_id, type, expiry (unix time), privileges, version')
    .action((flags: GenerateFlags, command: Command) => {
      const version = flags.version === '1' ? 1 : 2;
      const type = flags.type === '2' ? 2 : 0;
      const now = Math.floor(Date.now() / 1000);
      let token: string;
      try {
        token = generateKs({
          version,
          partnerId: flags.partnerId,
          secret: flags.secret,
          userId: flags.user ?? null,
          type,
          expirySeconds: flags.expiry,
          privileges: flags.privileges ?? '',
          now,
        });
      } catch (err) {
        if (err instanceof KsOptionError) command.error(`error: ${err.message}`, { exitCode: 2, code: 'ks.option' });
        throw err;
      }
      if (!flags.json) {
        io.out(`${token}\n`);
        return;
      }
      const partnerId = Number(flags.partnerId);
      io.out(
        `${JSON.stringify({
          ks: token,
          partner_id: Number.isSafeInteger(partnerId) ? partnerId : flags.partnerId,
          user_id: flags.user ?? null,
          type,
          expiry: now + flags.expiry,
          privileges: flags.privileges ?? '',
          version,
        })}\n`,
      );
    });

  ks.command('inspect')
    .description("decode a KS and, given the partner's admin secrets, verify it")
    .argument('<ks>', 'the KS')
    .option('--partner-id <id>', 'partner whose admin secrets follow', partnerIdArg)
    .option('--secret <secret>', 'an admin secret of that partner (repeat for several)', collect)
    .option('--remote-addr <ip>', 'check iprestrict against this IP')
    .option('--request-uri <uri>', 'check urirestrict against this URI')
    .option('--json', 'print one JSON object')
    .action((token: string, flags: InspectFlags, command: Command) => {
      const secrets = flags.secret ?? [];
      if ((flags.partnerId === undefined) !== (secrets.length === 0)) {
        command.error('error: --partner-id and --secret go together', { exitCode: 2, code: 'ks.usage' });
      }
      let result: Record<string, unknown>;
      if (flags.partnerId === undefined) {
        const d = decodeKsUnverified(token);
        result = {
          valid: false,
          error: d.version === null ? 'INVALID_STR' : null,
          version: d.version,
          partnerId: d.partnerId,
          validUntil: d.validUntil,
          type: d.type,
          userId: d.userId,
          privileges: d.privileges,
          rand: d.rand,
          hash: d.hash,
          verified: false,
        };
        io.err(
          d.version === null
            ? 'not a KS: it cannot be decoded\n'
            : `could not verify: pass --partner-id and --secret to check the signature${d.version === 2 ? ' (a v2 KS is encrypted: only its version and partner id can be read)' : ''}\n`,
        );
      } else {
        const partnerId = flags.partnerId;
        const p = parseKs(token, {
          adminSecretsFor: (pid) => (pid === partnerId ? secrets : null),
          ...(flags.remoteAddr !== undefined ? { remoteAddr: flags.remoteAddr } : {}),
          ...(flags.requestUri !== undefined ? { requestUri: flags.requestUri } : {}),
        });
        result = {
          valid: p.valid,
          error: p.error,
          version: p.version,
          partnerId: p.partnerId,
          validUntil: p.validUntil,
          type: p.type,
          userId: p.userId,
          privileges: p.privileges,
          rand: p.rand,
          hash: p.hash,
          verified: true,
        };
      }
      if (flags.json) {
        io.out(`${JSON.stringify(result)}\n`);
      } else {
        for (const [key, value] of Object.entries(result)) io.out(`${key}: ${value === null ? '-' : String(value)}\n`);
      }
      if (result['valid'] !== true) io.exitCode = 1;
    });
}
