/**
 * Issuing, revoking and checking Canvas-style access tokens. A token is stored only as an
 * HMAC-SHA256 under the keyring's current key; older keys still verify, and a token found under
 * an older key is re-hashed on use.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256Base64 } from '../crypto/sha256.js';
import { generateAccessToken, looksLikeAccessToken, tokenHint } from '../canvas/access-token-format.js';
import type { Keyring, KeyringKey } from '../crypto/keyring.js';
import { TtlCache } from '../cache/ttl-cache.js';
import type { InvalidationBus } from '../cache/invalidation-bus.js';
import type { AccessTokenRecord, AccessTokenRepository } from './access-token-repository.js';
import type { DeveloperKey, DeveloperKeyRepository } from '../developer-keys/developer-key-repository.js';
import { nowIso } from '../db/time.js';

/** How often `last_used_at` may be written for one token. */
const LAST_USED_INTERVAL_MS = 10 * 60 * 1000;

/** The outcome of checking a presented token. */
export type TokenCheck =
  | { status: 'ok'; token: AccessTokenRecord; developerKey: DeveloperKey | null }
  | { status: 'invalid' }
  | { status: 'revoked' }
  | { status: 'expired'; expiredAt: string };

/** Thrown for a token request that breaks a rule (bad scopes, unknown key …). */
export class TokenInputError extends Error {}

export interface CreateTokenInput {
  userId: number;
  realUserId?: number | null;
  developerKeyId?: number | null;
  scopes?: string[];
  expiresAt?: string | null;
  purpose?: string | null;
}

function hashWith(key: KeyringKey, token: string): string {
  return createHmac('sha256', key.tokenHashKey).update(token, 'utf8').digest('hex');
}

/**
 * The key of the verified-token cache: SHA-256 of the presented token (a third of an HMAC's cost
 * with the one-shot `crypto.hash` where Node has it). Safe as a cache key: tokens are long random
 * strings, so the digest reveals nothing usable, and the raw token is never kept.
 */
const tokenDigest = sha256Base64;

function sameHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Tokens: create, revoke, authenticate. */
export class AccessTokenService {
  /**
   * SHA-256 of a presented token → its record once its HMAC matched the stored one (null: no
   * such token). A hit skips the HMAC; a miss computes it to look the token up.
   */
  private readonly byHash: TtlCache<string, AccessTokenRecord | null>;
  private readonly keys: TtlCache<number, DeveloperKey | null>;

  constructor(
    private readonly tokens: AccessTokenRepository,
    private readonly developerKeys: DeveloperKeyRepository,
    private readonly keyring: Keyring,
    private readonly knownScopes: () => ReadonlySet<string>,
    private readonly bus: InvalidationBus,
    cacheTtlMs: number,
    private readonly onBackgroundError: (err: unknown) => void = () => {},
  ) {
    this.byHash = new TtlCache(cacheTtlMs);
    this.keys = new TtlCache(cacheTtlMs, 10_000);
    bus.subscribe((topic, key) => {
      if (topic === 'token') {
        const id = Number(key);
        this.byHash.deleteWhere((rec) => rec === null || rec.id === id);
      } else if (topic === 'developer-key') {
        this.keys.delete(Number(key));
        this.byHash.deleteWhere((rec) => rec === null || rec.developerKeyId === Number(key));
      }
    });
  }

  /** Creates a token and returns it in the clear, the only time it is ever visible. */
  async create(input: CreateTokenInput): Promise<{ token: string; record: AccessTokenRecord }> {
    let scopes = [...new Set(input.scopes ?? [])];
    const known = this.knownScopes();
    for (const s of scopes) if (!known.has(s)) throw new TokenInputError(`unknown scope: ${s}`);
    if (input.developerKeyId != null) {
      const key = await this.developerKeys.findById(input.developerKeyId);
      if (!key || key.workflowState === 'deleted') throw new TokenInputError(`developer key ${input.developerKeyId} not found`);
      if (key.workflowState !== 'active') throw new TokenInputError(`developer key ${input.developerKeyId} is not active`);
      if (key.requireScopes) {
        if (scopes.length === 0) scopes = [...key.scopes];
        const outside = scopes.filter((s) => !key.scopes.includes(s));
        if (outside.length > 0) throw new TokenInputError(`requested scopes must match scopes on developer key: ${outside.join(', ')}`);
      }
    }
    if (input.expiresAt != null && Number.isNaN(Date.parse(input.expiresAt))) throw new TokenInputError('expires_at must be an ISO 8601 time');
    const token = generateAccessToken();
    const record = await this.tokens.insert({
      userId: input.userId,
      realUserId: input.realUserId ?? null,
      developerKeyId: input.developerKeyId ?? null,
      cryptedToken: hashWith(this.keyring.current, token),
      tokenKeyId: this.keyring.current.id,
      hint: tokenHint(token),
      purpose: input.purpose ?? null,
      scopes,
      expiresAt: input.expiresAt != null ? new Date(input.expiresAt).toISOString() : null,
    });
    return { token, record };
  }

  /** A token's stored record (never the token itself). */
  find(id: number): Promise<AccessTokenRecord | undefined> {
    return this.tokens.findById(id);
  }

  /** Revokes (soft-deletes) a token; true when it was active. */
  async revoke(id: number): Promise<boolean> {
    const changed = await this.tokens.revoke(id);
    this.bus.publish('token', String(id));
    return changed;
  }

  /** Checks a presented token: known, not revoked, not expired, its developer key active. */
  async check(presented: string, now: number = Date.now()): Promise<TokenCheck> {
    if (!looksLikeAccessToken(presented)) return { status: 'invalid' };
    const digest = tokenDigest(presented);
    // (one digest, one token: whichever caller's `presented` the shared lookup uses, it is the same)
    const record = await this.byHash.load(digest, () => this.lookupVerified(presented));
    const verdict = this.verdict(record, now);
    if (verdict !== 'needs-developer-key') return verdict;
    return this.finish(record!, await this.developerKey(record!.developerKeyId!), now);
  }

  /**
   * {@link check} from this instance's caches alone, without a promise: undefined when the token
   * (or its developer key) is not cached, and the caller must use `check`.
   */
  checkCached(presented: string, now: number = Date.now()): TokenCheck | undefined {
    if (!looksLikeAccessToken(presented)) return { status: 'invalid' };
    const record = this.byHash.get(tokenDigest(presented));
    if (record === undefined) return undefined;
    const verdict = this.verdict(record, now);
    if (verdict !== 'needs-developer-key') return verdict;
    const developerKey = this.keys.get(record!.developerKeyId!);
    return developerKey === undefined ? undefined : this.finish(record!, developerKey, now);
  }

  /** The outcome for a verified record (null: unknown token), up to its developer key (which the caller fetches). */
  private verdict(record: AccessTokenRecord | null, now: number): TokenCheck | 'needs-developer-key' {
    if (!record) return { status: 'invalid' };
    if (record.workflowState === 'deleted') return { status: 'revoked' };
    if (record.expiresAt !== null && this.timesOf(record).expiresMs <= now) return { status: 'expired', expiredAt: record.expiresAt };
    if (record.developerKeyId !== null) return 'needs-developer-key';
    return this.finish(record, null, now);
  }

  /**
   * The stored record of a presented token, or null: looked up by its HMAC under every key, and
   * kept only when the stored HMAC equals the presented token's (compared in constant time).
   */
  private async lookupVerified(presented: string): Promise<AccessTokenRecord | null> {
    const currentHash = hashWith(this.keyring.current, presented);
    const record = await this.lookup(presented, currentHash);
    if (!record) return null;
    const key = this.keyring.byId(record.tokenKeyId);
    const presentedHash = key === this.keyring.current ? currentHash : key && hashWith(key, presented);
    return presentedHash && sameHex(record.cryptedToken, presentedHash) ? record : null;
  }

  private finish(record: AccessTokenRecord, developerKey: DeveloperKey | null, now: number): TokenCheck {
    if (record.developerKeyId !== null && (!developerKey || developerKey.workflowState !== 'active')) return { status: 'invalid' };
    this.noteUse(record, now);
    return { status: 'ok', token: record, developerKey };
  }

  private async lookup(presented: string, currentHash: string): Promise<AccessTokenRecord | null> {
    const hashes = [currentHash, ...this.keyring.all.slice(1).map((k) => hashWith(k, presented))];
    const record = await this.tokens.findByHashes(hashes);
    if (!record) return null;
    if (record.tokenKeyId !== this.keyring.current.id && this.keyring.byId(record.tokenKeyId)) {
      await this.tokens.rehash(record.id, currentHash, this.keyring.current.id);
      return { ...record, cryptedToken: currentHash, tokenKeyId: this.keyring.current.id };
    }
    return record;
  }

  private async developerKey(id: number): Promise<DeveloperKey | null> {
    return this.keys.load(id, async () => (await this.developerKeys.findById(id)) ?? null);
  }

  /**
   * A cached record's times as numbers, parsed once (Date.parse on every request was a tenth of
   * the cached authentication). Records are replaced, not changed, when their row changes; the
   * last use is the one time changed here, and it is kept in step below.
   */
  private readonly times = new WeakMap<AccessTokenRecord, { expiresMs: number; usedMs: number }>();

  private timesOf(record: AccessTokenRecord): { expiresMs: number; usedMs: number } {
    let t = this.times.get(record);
    if (t === undefined) {
      t = { expiresMs: record.expiresAt === null ? Infinity : Date.parse(record.expiresAt), usedMs: record.lastUsedAt === null ? -Infinity : Date.parse(record.lastUsedAt) };
      this.times.set(record, t);
    }
    return t;
  }

  /** Writes last_used_at at most every 10 minutes per token, off the request's path. */
  private noteUse(record: AccessTokenRecord, now: number): void {
    const t = this.timesOf(record);
    if (now - t.usedMs < LAST_USED_INTERVAL_MS) return;
    const at = nowIso(new Date(now));
    record.lastUsedAt = at;
    t.usedMs = now;
    this.tokens.touch(record.id, at).catch(this.onBackgroundError);
  }
}
