/** `local` mode: we mint the KS ourselves with the partner's administrator secret; no network. */
import { generateKs } from '../../ks/index.js';
import { kalturaNotConfigured } from '../kaltura-errors.js';
import type { IssuedSession, SessionIssuer, SessionRequest } from './session-issuer.js';

/** Mints KS v2 (or v1 when configured) locally. */
export class LocalSessionIssuer implements SessionIssuer {
  readonly mode = 'local' as const;

  async issue(req: SessionRequest): Promise<IssuedSession> {
    return this.issueNow(req);
  }

  /** The KS at once: minting needs no I/O. */
  issueNow(req: SessionRequest): IssuedSession {
    const secret = req.settings.secrets.secret_key;
    if (!secret) {
      throw kalturaNotConfigured('Kaltura session mode "local" needs the administrator secret (secret_key), which is not set for this account.');
    }
    const ks = generateKs({
      version: req.policy.ksVersion,
      partnerId: req.partnerId,
      secret,
      userId: req.userId,
      type: 0,
      expirySeconds: req.expirySeconds,
      privileges: req.privileges,
      now: req.now,
    });
    return { ks, expiresAt: req.now + req.expirySeconds, privileges: req.privileges };
  }
}
