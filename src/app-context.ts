/**
 * Wires storage, caches and services together for one process: the database-backed core
 * (core-services.ts) plus metrics and the Kaltura issuers. The HTTP layer and the tests build this
 * context; the CLI's database commands build only the core. Nothing here listens on a port.
 */
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import type { Keyring } from './crypto/keyring.js';
import { LocalInvalidationBus, type InvalidationBus } from './cache/invalidation-bus.js';
import { AccountResolver } from './accounts/account-resolver.js';
import { createCoreServices, type CoreServices } from './core-services.js';
import { Authenticator } from './auth/authenticator.js';
import { KalturaService } from './sessions/kaltura-service.js';
import { LocalSessionIssuer } from './kaltura/issuers/local-issuer.js';
import type { SessionIssuer } from './kaltura/issuers/session-issuer.js';
import type { SessionMode } from './settings/kaltura-settings.js';
import { createKalturaConnectivity } from './kaltura/kaltura-connectivity.js';
import { ServiceMetrics } from './observability/service-metrics.js';
import { InstrumentedSessionIssuer } from './observability/instrumented-issuer.js';
import type { ReadinessCheck } from './observability/readiness.js';
import type { WidgetSessionCache } from './kaltura/widget-session-cache.js';
import type { SharedRedis } from './redis/shared-redis.js';

/** Everything a request handler may use: the core services (core-services.ts) and the network side. */
export interface AppContext extends CoreServices {
  accountResolver: AccountResolver;
  authenticator: Authenticator;
  kaltura: KalturaService;
  issuers: Map<SessionMode, SessionIssuer>;
  /** the Redis connection shared by instances (REDIS_URL), when configured */
  redis?: SharedRedis;
  /** this instance's Prometheus metrics (its own registry) */
  metrics: ServiceMetrics;
  /** checks /health/ready runs besides the database (and Redis); add to it */
  readinessChecks: ReadinessCheck[];
  /** Closes what the context opened (not the database, which its opener closes). */
  close(): Promise<void>;
}

export interface ContextOptions {
  bus?: InvalidationBus;
  /** extra or replacement session issuers (remote, app_token) */
  issuers?: SessionIssuer[];
  clock?: () => number;
  onBackgroundError?: (err: unknown) => void;
  /** where app-token widget sessions live (default: in this process) */
  widgetSessions?: WidgetSessionCache;
  /** the shared Redis connection, exposed to the HTTP layer (rate limits, readiness) */
  redis?: SharedRedis;
  /** metrics to report into (default: a fresh registry) */
  metrics?: ServiceMetrics;
}

/** Builds the context over an open database. */
export function createAppContext(config: Config, db: Db, keyring: Keyring, options: ContextOptions = {}): AppContext {
  const bus = options.bus ?? new LocalInvalidationBus();
  const ttl = config.cacheTtlMs;
  const core = createCoreServices(config, db, keyring, bus, options.onBackgroundError);
  const { accounts, userDirectory, tokens, settings, audit } = core;
  const metrics = options.metrics ?? new ServiceMetrics();
  const connectivity = createKalturaConnectivity(config, bus, {
    ...(options.widgetSessions ? { appToken: { cache: options.widgetSessions } } : {}),
    breaker: { onStateChange: metrics.breakerStateChanged },
  });
  if (connectivity.checker) settings.useChecker(connectivity.checker);
  const issuers = new Map<SessionMode, SessionIssuer>([['local', new LocalSessionIssuer()]]);
  for (const issuer of [...connectivity.issuers, ...(options.issuers ?? [])]) issuers.set(issuer.mode, issuer);
  // count sessions per mode, time Kaltura calls (observability/instrumented-issuer.ts)
  for (const [mode, issuer] of issuers) issuers.set(mode, new InstrumentedSessionIssuer(issuer, metrics));
  return {
    ...core,
    accountResolver: new AccountResolver(accounts, bus, ttl),
    authenticator: new Authenticator(tokens, userDirectory),
    kaltura: new KalturaService(settings, issuers, audit, options.clock),
    issuers,
    ...(options.redis ? { redis: options.redis } : {}),
    metrics,
    readinessChecks: [],
    close: async () => {
      await connectivity.close();
      await bus.close();
    },
  };
}
