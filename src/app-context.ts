/**
 * Wires storage, caches and services together for one process. The HTTP layer, the CLI and
 * the tests all build the same context; nothing here listens on a port.
 */
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import type { Keyring } from './crypto/keyring.js';
import { LocalInvalidationBus, type InvalidationBus } from './cache/invalidation-bus.js';
import { AccountRepository } from './accounts/account-repository.js';
import { AccountResolver } from './accounts/account-resolver.js';
import { UserRepository } from './users/user-repository.js';
import { UserDirectory } from './users/user-directory.js';
import { DeveloperKeyRepository } from './developer-keys/developer-key-repository.js';
import { DeveloperKeyService } from './developer-keys/developer-key-service.js';
import { AccessTokenRepository } from './tokens/access-token-repository.js';
import { AccessTokenService } from './tokens/access-token-service.js';
import { SettingsRepository } from './settings/settings-repository.js';
import { SettingsService } from './settings/settings-service.js';
import { SessionAuditRepository } from './audit/session-audit-repository.js';
import { ErrorReportRepository } from './error-reports/error-report-repository.js';
import { Authenticator } from './auth/authenticator.js';
import { KalturaService } from './sessions/kaltura-service.js';
import { LocalSessionIssuer } from './kaltura/issuers/local-issuer.js';
import type { SessionIssuer } from './kaltura/issuers/session-issuer.js';
import type { SessionMode } from './settings/kaltura-settings.js';
import { knownScopes } from './http/route-scopes.js';
import { createKalturaConnectivity } from './kaltura/kaltura-connectivity.js';
import { ServiceMetrics } from './observability/service-metrics.js';
import { InstrumentedSessionIssuer } from './observability/instrumented-issuer.js';
import type { ReadinessCheck } from './observability/readiness.js';
import type { WidgetSessionCache } from './kaltura/widget-session-cache.js';
import type { SharedRedis } from './redis/shared-redis.js';
import type { CircuitBreakerRegistry } from './kaltura/circuit-breaker.js';
import { KalturaCallLog } from './overview/kaltura-call-log.js';
import { SettingsCheckLog } from './overview/settings-check-log.js';

/** Everything a request handler or a CLI command may use. */
export interface AppContext {
  config: Config;
  db: Db;
  keyring: Keyring;
  bus: InvalidationBus;
  accounts: AccountRepository;
  accountResolver: AccountResolver;
  users: UserRepository;
  userDirectory: UserDirectory;
  developerKeys: DeveloperKeyService;
  tokens: AccessTokenService;
  settings: SettingsService;
  audit: SessionAuditRepository;
  errorReports: ErrorReportRepository;
  authenticator: Authenticator;
  kaltura: KalturaService;
  issuers: Map<SessionMode, SessionIssuer>;
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
}

/** Builds the context over an open database. */
export function createAppContext(config: Config, db: Db, keyring: Keyring, options: ContextOptions = {}): AppContext {
  const bus = options.bus ?? new LocalInvalidationBus();
  const ttl = config.cacheTtlMs;
  const accounts = new AccountRepository(db.kysely);
  const users = new UserRepository(db.kysely);
  const developerKeyRepo = new DeveloperKeyRepository(db.kysely);
  const tokenRepo = new AccessTokenRepository(db.kysely);
  const tokens = new AccessTokenService(tokenRepo, developerKeyRepo, keyring, knownScopes, bus, ttl, options.onBackgroundError);
  const userDirectory = new UserDirectory(users, bus, ttl);
  const settings = new SettingsService(new SettingsRepository(db.kysely), keyring, bus, ttl);
  const audit = new SessionAuditRepository(db.kysely);
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
  // count sessions per mode, time Kaltura calls (observability/instrumented-issuer.ts)
  for (const [mode, issuer] of issuers) issuers.set(mode, new InstrumentedSessionIssuer(issuer, metrics, kalturaCalls));
  return {
    config,
    db,
    keyring,
    bus,
    accounts,
    accountResolver: new AccountResolver(accounts, bus, ttl),
    users,
    userDirectory,
    developerKeys: new DeveloperKeyService(developerKeyRepo, tokenRepo, knownScopes, bus),
    tokens,
    settings,
    audit,
    errorReports: new ErrorReportRepository(db.kysely),
    authenticator: new Authenticator(tokens, userDirectory),
    kaltura: new KalturaService(settings, issuers, audit, options.clock),
    issuers,
    ...(options.redis ? { redis: options.redis } : {}),
    metrics,
    breakers: connectivity.breakers,
    kalturaCalls,
    settingsChecks,
    readinessChecks: [],
    close: async () => {
      await kalturaCalls.drain();
      await connectivity.close();
      await bus.close();
    },
  };
}
