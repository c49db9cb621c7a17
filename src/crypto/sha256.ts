/** SHA-256 of a text, base64: the one-shot `crypto.hash` where Node has it (a third of a Hash object's cost). */
import * as nodeCrypto from 'node:crypto';

/** The SHA-256 digest of `text` (UTF-8), base64-encoded. */
export const sha256Base64: (text: string) => string =
  typeof (nodeCrypto as { hash?: unknown }).hash === 'function'
    ? (text) => (nodeCrypto as unknown as { hash(alg: string, data: string, enc: 'base64'): string }).hash('sha256', text, 'base64')
    : (text) => nodeCrypto.createHash('sha256').update(text, 'utf8').digest('base64');
