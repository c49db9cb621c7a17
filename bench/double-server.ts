/**
 * The Kaltura double (test/kaltura-double) as a benchmark peer, in its own process: one partner
 * from the environment (BENCH_PARTNER_ID, BENCH_ADMIN_SECRET, BENCH_USER_SECRET), no request log,
 * and its request records dropped every second so a long run does not grow its memory.
 * Prints `kaltura-double listening on http://127.0.0.1:<port>`.
 */
import { startKalturaDouble } from '../test/kaltura-double/kaltura-double.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const double = await startKalturaDouble({
  partners: [{ partnerId: Number(env('BENCH_PARTNER_ID')), adminSecret: env('BENCH_ADMIN_SECRET'), userSecret: env('BENCH_USER_SECRET') }],
  controlApi: false,
});
setInterval(() => double.clearRecords(), 1000).unref();
process.stdout.write(`kaltura-double listening on ${double.url}\n`);
const stop = (): void => void double.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
