/**
 * Finds the installation keys: `SECRET_KEYS` when set; otherwise (not in production) a key file
 * under the data directory, generated on first use with a warning.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { parseKeyring, type Keyring } from './keyring.js';

/** Where the generated development key lives. */
export function keyFilePath(config: Config): string {
  return join(config.dataDir, 'secret-keys');
}

/** Loads the keyring; `warn` hears about a generated key. Throws in production without SECRET_KEYS. */
export function loadKeyring(config: Config, warn: (message: string) => void): Keyring {
  if (config.secretKeys) return parseKeyring(config.secretKeys);
  if (config.production) {
    throw new Error(
      'SECRET_KEYS is not set. In production the encryption key must come from the environment: ' +
        'generate one with `openssl rand -hex 32` and set SECRET_KEYS to it.',
    );
  }
  const file = keyFilePath(config);
  if (existsSync(file)) return parseKeyring(readFileSync(file, 'utf8'));
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  warn(`SECRET_KEYS is not set: generated an encryption key in ${file}. Keep that file safe and set SECRET_KEYS in production.`);
  return parseKeyring(readFileSync(file, 'utf8'));
}
