/**
 * The network side of Kaltura: the `remote` and `app_token` session issuers (sharing one API
 * client, with a circuit breaker per Kaltura endpoint) and the connectivity check run when
 * settings are saved. See docs/kaltura-connectivity.md.
 */
import type { Config } from '../config.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { SessionIssuer } from './issuers/session-issuer.js';
import type { SettingsChecker } from '../settings/settings-service.js';
import { CircuitBreakerRegistry, type CircuitBreakerOptions } from './circuit-breaker.js';
import { KalturaApiClient, type KalturaApiClientOptions } from './kaltura-api-client.js';
import { RemoteSessionIssuer } from './issuers/remote-issuer.js';
import { AppTokenSessionIssuer, type AppTokenIssuerOptions } from './issuers/app-token-issuer.js';
import { KalturaSettingsChecker } from './settings-checker.js';

/** What the process needs to talk to Kaltura. */
export interface KalturaConnectivity {
  /** issuers for `remote` and `app_token` (local is always present) */
  issuers: SessionIssuer[];
  /** the check run on save, or null */
  checker: SettingsChecker | null;
  close(): Promise<void>;
}

/** Tuning; every value has a production default. */
export interface KalturaConnectivityOptions {
  /** circuit breaker per endpoint (defaults: 5 consecutive failures, 30 s cool-down) */
  breaker?: CircuitBreakerOptions;
  /** retries, backoff, answer cap, answer format */
  client?: Omit<KalturaApiClientOptions, 'breakers'>;
  /** widget-session cache and lifetimes */
  appToken?: AppTokenIssuerOptions;
}

/** The issuers, the check, and the breakers behind them (for diagnostics and tests). */
export interface KalturaConnectivityParts extends KalturaConnectivity {
  breakers: CircuitBreakerRegistry;
  client: KalturaApiClient;
}

/** Builds the issuers and the settings check for this process. */
export function createKalturaConnectivity(config: Config, _bus: InvalidationBus, options: KalturaConnectivityOptions = {}): KalturaConnectivityParts {
  const breakers = new CircuitBreakerRegistry({ ...config.kalturaBreaker, ...options.breaker });
  const client = new KalturaApiClient({ ...options.client, breakers });
  return {
    issuers: [new RemoteSessionIssuer(client), new AppTokenSessionIssuer(client, options.appToken)],
    checker: createSettingsChecker(options.client),
    breakers,
    client,
    close: async () => {},
  };
}

/** The check run when settings are saved, on a client of its own (no breaker: a check always asks Kaltura). */
export function createSettingsChecker(client: KalturaConnectivityOptions['client'] = {}): SettingsChecker {
  return new KalturaSettingsChecker(new KalturaApiClient({ ...client, breakers: null }));
}
