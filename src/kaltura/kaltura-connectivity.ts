/**
 * The network side of Kaltura: the session issuers beyond `local` and the connectivity check
 * run when settings are saved. (Placeholder: the Kaltura connectivity work fills this in.)
 */
import type { Config } from '../config.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { SessionIssuer } from './issuers/session-issuer.js';
import type { SettingsChecker } from '../settings/settings-service.js';

/** What the process needs to talk to Kaltura. */
export interface KalturaConnectivity {
  /** issuers for `remote` and `app_token` (local is always present) */
  issuers: SessionIssuer[];
  /** the check run on save, or null */
  checker: SettingsChecker | null;
  close(): Promise<void>;
}

/** Builds the issuers and the settings check for this process. */
export function createKalturaConnectivity(_config: Config, _bus: InvalidationBus): KalturaConnectivity {
  return { issuers: [], checker: null, close: async () => {} };
}
