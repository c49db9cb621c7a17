/**
 * Random values for KS generation from Node's CSPRNG. Random bytes are drawn from a pooled
 * `randomFillSync` buffer (as Node does for `randomUUID`), so one KS costs no system call.
 */
import { Buffer } from 'node:buffer';
import { randomFillSync, randomInt } from 'node:crypto';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/**
 * Copies `length` (≤ 4096) fresh CSPRNG bytes into `target` at `at`; no byte is ever handed out twice.
 * @example const r = Buffer.alloc(16); fillRandom(r, 0, 16);
 */
export function fillRandom(target: Uint8Array, at: number, length: number): void {
  if (offset + length > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  target.set(pool.subarray(offset, offset + length), at);
  pool.fill(0, offset, offset + length);
  offset += length;
}

/**
 * The KS v1 random field of Kaltura's PHP client: an integer from 0 to 32000 (CSPRNG).
 * @example randomKsV1Rand() // 17342
 */
export function randomKsV1Rand(): number {
  return randomInt(0, 32001);
}
