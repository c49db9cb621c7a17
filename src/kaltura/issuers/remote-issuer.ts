/**
 * `remote` mode (Canvas's way): Kaltura's `session.start` with the partner's secret — the user
 * secret for these USER sessions, else the administrator secret — POSTed in the body, never in
 * the URL.
 */
import { decodeKsUnverified } from '../../ks/index.js';
import { Deadline } from '../deadline.js';
import { KalturaApiClient, endpointOf, kalturaApiError, unexpectedResult } from '../kaltura-api-client.js';
import { kalturaNotConfigured } from '../kaltura-errors.js';
import { asKs } from '../kaltura-response.js';
import type { IssuedSession, SessionIssuer, SessionRequest } from './session-issuer.js';

/** Starts USER sessions through Kaltura's session.start. */
export class RemoteSessionIssuer implements SessionIssuer {
  readonly mode = 'remote' as const;

  constructor(private readonly client: KalturaApiClient) {}

  async issue(req: SessionRequest): Promise<IssuedSession> {
    const secret = req.settings.secrets.user_secret_key || req.settings.secrets.secret_key;
    if (!secret) {
      throw kalturaNotConfigured('Kaltura session mode "remote" needs the user secret (user_secret_key) or the administrator secret (secret_key), and neither is set for this account.');
    }
    const endpoint = endpointOf(req.settings.plain, req.policy);
    const deadline = new Deadline(req.policy.timeoutMs);
    const answer = await this.client.call({
      endpoint,
      service: 'session',
      action: 'start',
      params: {
        secret,
        userId: req.userId,
        type: '0',
        partnerId: req.partnerId,
        expiry: String(req.expirySeconds),
        privileges: req.privileges,
      },
      deadline,
      sensitive: [secret],
    });
    if (!answer.ok) throw kalturaApiError(answer, [secret]);
    const ks = asKs(answer.value);
    if (!ks) throw unexpectedResult('something that is not a KS');
    // a v1 KS shows its expiry; a v2 KS hides it, and we asked for this lifetime
    const shown = decodeKsUnverified(ks).validUntil;
    const expiresAt = typeof shown === 'number' && shown > req.now ? Math.min(shown, req.now + req.expirySeconds) : req.now + req.expirySeconds;
    return { ks, expiresAt, privileges: req.privileges };
  }
}
