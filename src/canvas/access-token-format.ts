/**
 * Canvas's access-token format: 64 characters from an alphabet without look-alike characters,
 * drawn from a CSPRNG. The 5-character hint is what listings show.
 */
import { randomInt } from 'node:crypto';

/** The characters Canvas uses for access tokens (no 0/O, 1/l/I, 5/S …). */
export const TOKEN_ALPHABET = '2346789acefhkmnrtuvwxyzABCDEFGHJKLMNPQRTUVWXYZ';
/** Length of a freshly generated token. */
export const TOKEN_LENGTH = 64;

/** Generates a new token string from the CSPRNG. @example generateAccessToken().length === 64 */
export function generateAccessToken(): string {
  let out = '';
  for (let i = 0; i < TOKEN_LENGTH; i++) out += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return out;
}

/** The hint shown in listings: the token's first 5 characters. */
export function tokenHint(token: string): string {
  return token.slice(0, 5);
}

/** True when `token` could be one of ours; a cheap filter before hashing and a database look-up. */
export function looksLikeAccessToken(token: string): boolean {
  return token.length > 0 && token.length <= 256 && /^[\x21-\x7e]+$/.test(token);
}
