/**
 * The database-backed services: repositories, caches and secret handling, over an open database.
 * No network, no metrics: what the CLI's database commands need, and the core the server's
 * AppContext (app-context.ts) is built on. Kept apart so a CLI command does not load prom-client
 * or the Kaltura client to list accounts.
 */
import type { Config } from './config.js';
import type { Db } from './db/connect.js';
import type { Keyring } from './crypto/keyring.js';
import type { InvalidationBus } from './cache/invalidation-bus.js';
import { AccountRepository } from './accounts/account-repository.js';
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
import { knownScopes } from './developer-keys/route-scopes.js';

/** The services over the database that every process shares. */
export interface CoreServices {
  config: Config;
  db: Db;
  keyring: Keyring;
  bus: InvalidationBus;
  accounts: AccountRepository;
  users: UserRepository;
  userDirectory: UserDirectory;
  developerKeys: DeveloperKeyService;
  tokens: AccessTokenService;
  /** settings; without a connectivity check until one is attached (`settings.useChecker`) */
  settings: SettingsService;
  audit: SessionAuditRepository;
  errorReports: ErrorReportRepository;
}

/** Builds the database-backed services; `onBackgroundError` hears failures of background writes (token last-used). */
export function createCoreServices(config: Config, db: Db, keyring: Keyring, bus: InvalidationBus, onBackgroundError?: (err: unknown) => void): CoreServices {
  const ttl = config.cacheTtlMs;
  const users = new UserRepository(db.kysely);
  const developerKeyRepo = new DeveloperKeyRepository(db.kysely);
  const tokenRepo = new AccessTokenRepository(db.kysely);
  return {
    config,
    db,
    keyring,
    bus,
    accounts: new AccountRepository(db.kysely),
    users,
    userDirectory: new UserDirectory(users, bus, ttl),
    developerKeys: new DeveloperKeyService(developerKeyRepo, tokenRepo, knownScopes, bus),
    tokens: new AccessTokenService(tokenRepo, developerKeyRepo, keyring, knownScopes, bus, ttl, onBackgroundError),
    settings: new SettingsService(new SettingsRepository(db.kysely), keyring, bus, ttl),
    audit: new SessionAuditRepository(db.kysely, db.prepared),
    errorReports: new ErrorReportRepository(db.kysely),
  };
}
