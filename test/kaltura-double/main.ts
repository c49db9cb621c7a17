/**
 * CLI: `npm run kaltura-double -- --port N --partner ID --admin-secret S --user-secret S
 *   [--app-token ID:TOKEN:HASHTYPE]… [--host H] [--ui-conf-id N] [--max-expiry SECONDS] [--ks-version 1|2]`
 *
 * Prints one line `kaltura-double listening on http://127.0.0.1:PORT` on stdout once it answers,
 * logs one line per request on stderr, and stops on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startKalturaDouble, type AppTokenConfig, type AppTokenHashType, type PartnerConfig } from './kaltura-double.js';

const USAGE =
  'usage: npm run kaltura-double -- --port N --partner ID --admin-secret S --user-secret S ' +
  '[--app-token ID:TOKEN:HASHTYPE]... [--host 127.0.0.1] [--ui-conf-id 23448] [--max-expiry 86400] [--ks-version 2] [--quiet]';

function die(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseAppToken(spec: string, partnerId: string): AppTokenConfig {
  // ID:TOKEN[:HASHTYPE]; the id is `0_xxxx` and the token hex, so ':' only separates
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) die(`bad --app-token ${JSON.stringify(spec)}`);
  const hashType = (parts[2] ?? 'SHA1').toUpperCase();
  if (!['SHA1', 'MD5', 'SHA256', 'SHA512'].includes(hashType)) die(`bad app token hash type ${hashType}`);
  return { id: parts[0], token: parts[1], hashType: hashType as AppTokenHashType, partnerId };
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        partner: { type: 'string' },
        'admin-secret': { type: 'string' },
        'user-secret': { type: 'string' },
        'app-token': { type: 'string', multiple: true },
        'ui-conf-id': { type: 'string', default: '23448' },
        'max-expiry': { type: 'string' },
        'ks-version': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    die((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) die('--port must be 0..65535');
  const partnerId = values.partner ?? '1234';
  if (!/^\d+$/.test(partnerId)) die('--partner must be an integer');
  if (!values['admin-secret'] || !values['user-secret']) die('--admin-secret and --user-secret are required');
  const partner: PartnerConfig = {
    partnerId,
    adminSecret: values['admin-secret'],
    userSecret: values['user-secret'],
  };
  if (values['max-expiry'] !== undefined) partner.maxExpirySeconds = Number(values['max-expiry']);
  if (values['ks-version'] !== undefined) {
    if (values['ks-version'] !== '1' && values['ks-version'] !== '2') die('--ks-version must be 1 or 2');
    partner.ksVersion = values['ks-version'] === '1' ? 1 : 2;
  }
  const quiet = values.quiet;
  const double = await startKalturaDouble({
    host: values.host,
    port,
    partners: [partner],
    appTokens: (values['app-token'] ?? []).map((spec) => parseAppToken(spec, partnerId)),
    uiConfs: [{ id: values['ui-conf-id'], partnerId }],
    ...(quiet ? {} : { log: (line: string) => process.stderr.write(`${line}\n`) }),
  });
  process.stdout.write(`kaltura-double listening on ${double.url}\n`);
  const stop = (): void => {
    void double.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`kaltura-double failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
