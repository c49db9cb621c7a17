/**
 * Starts the service in this process: config → keys → database → migrations → first-start
 * seeding → app → listen; and stops it gracefully (requests in flight finish first).
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { openContext, seedIfEmpty, type FirstStart } from '../bootstrap.js';
import type { AppContext } from '../app-context.js';
import { buildApp, loggerOptions } from './app.js';
import { bufferedStdout } from '../logging/log-destination.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** Starts listening; prints the first start's admin token once to `out`. */
export async function startServer(config: Config, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<RunningServer> {
  let app: FastifyInstance | undefined;
  let metricsServer: MetricsServer | undefined;
  const logs = bufferedStdout();
  // background work started by a request (e.g. token last-used updates) has no request to log on
  const onBackgroundError = (err: unknown) => app?.log.error({ err }, 'background task failed');
  const ctx = await openContext(config, (m) => process.stderr.write(`warning: ${m}\n`), { onBackgroundError, backgroundCheckpoints: true });
  try {
    // before listening, so the token is shown even if listening fails (it exists from now on)
    const first = await seedIfEmpty(ctx);
    if (first) announceFirstStart(first, out, config.port === 0 ? null : consoleUrlFor(config.host, config.port));
    // log lines buffered and written asynchronously; close() and process exit flush them
    app = await buildApp(ctx, { logger: loggerOptions(config.logLevel, logs.stream) });
    const url = await app.listen({ port: config.port, host: config.host });
    // PORT=0: the port is known only now
    if (first && config.port === 0) out(`  admin console: ${consoleUrl(url)} (sign in there with the access token above)\n\n`);
    if (config.metricsPort !== undefined) {
      metricsServer = await startMetricsServer(ctx.metrics, { host: config.metricsHost, port: config.metricsPort, token: config.metricsToken });
      app.log.info({ url: metricsServer.url }, 'metrics listening');
    }
    // the start-up lines now, not after the first second: tools wait for "Server listening"
    logs.flush();
    let closing: Promise<void> | undefined;
    return {
      app,
      ctx,
      url,
      close: () => {
        closing ??= (async () => {
          // keep-alive connections become idle only once their request in flight is answered:
          // close each as soon as it does, or close() would wait for the client to hang up
          const sweep = setInterval(() => app!.server.closeIdleConnections(), 50);
          try {
            await app!.close();
          } finally {
            clearInterval(sweep);
          }
          await metricsServer?.close();
          await ctx.close();
          logs.flush();
        })();
        return closing;
      },
    };
  } catch (err) {
    await app?.close().catch(() => {});
    await metricsServer?.close().catch(() => {});
    await ctx.close();
    throw err;
  }
}

/** Closes the server on SIGTERM/SIGINT: stop accepting, finish requests in flight, exit. */
export function closeOnSignals(server: RunningServer, graceMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      server.app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** The admin console's address for a listening URL (`http://127.0.0.1:3000` → `http://127.0.0.1:3000/admin/`). Pure. */
export function consoleUrl(listeningUrl: string): string {
  return `${listeningUrl.replace(/\/+$/, '')}/admin/`;
}

/** The console's address from HOST and PORT (a wildcard HOST is reached on loopback). Pure. */
export function consoleUrlFor(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return consoleUrl(`http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`);
}

/**
 * Prints what the first start created, the admin token included (the only time it is shown),
 * and where the admin console is: that token signs in there.
 */
export function announceFirstStart(first: FirstStart, out: (text: string) => void, console: string | null): void {
  out(
    [
      '',
      'First start: created the default root account and a site administrator.',
      `  login: ${first.login} (user id ${first.userId})`,
      `  access token (shown once, keep it safe): ${first.token}`,
      console
        ? `  admin console: ${console} (sign in there with this access token)`
        : '  admin console: /admin/ on this service, at the address printed once it listens (sign in there with this access token)',
      '',
      '',
    ].join('\n'),
  );
}
