/**
 * Signed, expiring links to one caption track, for the player page: a `<track>` element cannot
 * send the viewer's token, and the page must not carry it. The signature binds the account, the
 * entry, the track and the expiry, under a key derived from the installation's current key.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.js';

/** Signs and checks track links. */
export class TrackUrlSigner {
  private readonly keys: Buffer[];

  constructor(keyring: Keyring) {
    // one derived key per installation key: links signed before a key rotation stay valid
    this.keys = keyring.all.map((k) => Buffer.from(hkdfSync('sha256', k.encryptionKey, Buffer.alloc(0), 'canvas-kaltura-services/media-track-url', 32)));
  }

  private mac(key: Buffer, accountId: number, mediaId: string, trackId: number, expires: number): string {
    return createHmac('sha256', key).update(`${accountId}|${mediaId}|${trackId}|${expires}`).digest('base64url');
  }

  /** The `verifier` and `expires` query parameters for a link valid until `expires` (unix seconds). */
  sign(accountId: number, mediaId: string, trackId: number, expires: number): { verifier: string; expires: string } {
    return { verifier: this.mac(this.keys[0]!, accountId, mediaId, trackId, expires), expires: String(expires) };
  }

  /** True when the link's signature matches and it has not expired at `now` (unix seconds). */
  verify(accountId: number, mediaId: string, trackId: number, verifier: unknown, expires: unknown, now: number): boolean {
    if (typeof verifier !== 'string' || typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return false;
    const exp = Number(expires);
    if (exp < now) return false;
    const given = Buffer.from(verifier);
    return this.keys.some((key) => {
      const expected = Buffer.from(this.mac(key, accountId, mediaId, trackId, exp));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}
