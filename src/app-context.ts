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
import { KalturaMediaApi } from './kaltura/media-api.js';
import type { KalturaApiClient } from './kaltura/kaltura-api-client.js';
import { MediaKaltura } from './media/media-kaltura.js';
import { MediaService } from './media/media-service.js';
import { MediaListingCache } from './media/media-listing-cache.js';
import { MediaObjectRepository } from './media/media-object-repository.js';
import { MediaTrackRepository } from './media/media-track-repository.js';
import { MediaEventRepository } from './media/media-event-repository.js';
import type { LineLogger } from './logging/line-logger.js';
import type { CircuitBreakerRegistry } from './kaltura/circuit-breaker.js';
import { KalturaCallLog } from './overview/kaltura-call-log.js';
import { SettingsCheckLog } from './overview/settings-check-log.js';

/** Everything a request handler may use: the core services (core-services.ts) and the network side. */
export interface AppContext extends CoreServices {
  accountResolver: AccountResolver;
  authenticator: Authenticator;
  kaltura: KalturaService;
  issuers: Map<SessionMode, SessionIssuer>;
  /** media objects, their sources and caption tracks (Canvas's Media Objects API) */
  media: MediaService;
  /** answers of listings without sources, dropped when what they show changes (here or on another instance) */
  mediaListings: MediaListingCache;
  /** the Redis connection shared by instances (REDIS_URL), when configured */
  redis?: SharedRedis;
  /** this instance's Prometheus metrics (its own registry) */
  metrics: ServiceMetrics;
  /** this process's circuit breakers, one per Kaltura endpoint (the admin overview shows their state) */
  breakers: CircuitBreakerRegistry;
  /** every Kaltura call made for a session (the admin overview's counts and latencies) */
  kalturaCalls: KalturaCallLog;
  /** the settings check's answers (the admin overview shows the last one) */
  settingsChecks: SettingsCheckLog;
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
  /** the api_v3 client media calls use (default: the one the session issuers share) */
  kalturaClient?: KalturaApiClient;
  /** how long a listing of an entry's sources is reused (ms; default 30 s) */
  mediaSourcesTtlMs?: number;
  /** where background media work logs */
  mediaLog?: LineLogger;
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
  const settingsChecks = new SettingsCheckLog(db.kysely);
  settings.useCheckLog(settingsChecks);
  const kalturaCalls = new KalturaCallLog(db.kysely, options.onBackgroundError);
  const issuers = new Map<SessionMode, SessionIssuer>([['local', new LocalSessionIssuer()]]);
  for (const issuer of [...connectivity.issuers, ...(options.issuers ?? [])]) issuers.set(issuer.mode, issuer);
  // media's download and API sessions come from the issuers themselves: they are not sessions handed out
  const mediaKaltura = new MediaKaltura(new KalturaMediaApi(options.kalturaClient ?? connectivity.client), new Map(issuers), options.clock);
  // count sessions per mode, time Kaltura calls (observability/instrumented-issuer.ts)
  for (const [mode, issuer] of issuers) issuers.set(mode, new InstrumentedSessionIssuer(issuer, metrics, kalturaCalls));
  const media = new MediaService({
    objects: new MediaObjectRepository(db.kysely),
    tracks: new MediaTrackRepository(db.kysely),
    events: new MediaEventRepository(db.kysely),
    settings,
    kaltura: mediaKaltura,
    metrics,
    bus,
    ...(options.mediaLog ? { log: options.mediaLog } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mediaSourcesTtlMs !== undefined ? { sourcesTtlMs: options.mediaSourcesTtlMs } : {}),
  });
  // cached sources carry sessions minted under the settings of their time
  bus.subscribe((topic) => {
    if (topic === 'settings') media.settingsChanged();
  });
  return {
    ...core,
    accountResolver: new AccountResolver(accounts, bus, ttl),
    authenticator: new Authenticator(tokens, userDirectory),
    kaltura: new KalturaService(settings, issuers, audit, options.clock),
    issuers,
    media,
    mediaListings: new MediaListingCache(bus, ttl, options.clock ? { clock: options.clock } : {}),
    ...(options.redis ? { redis: options.redis } : {}),
    metrics,
    breakers: connectivity.breakers,
    kalturaCalls,
    settingsChecks,
    readinessChecks: [],
    close: async () => {
      // background media.get calls finish (each bounded by the Kaltura timeout) before connections close
      await media.idle();
      await kalturaCalls.drain();
      await connectivity.close();
      await bus.close();
    },
  };
}
