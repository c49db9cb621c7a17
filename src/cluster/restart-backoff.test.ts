import { describe, expect, it } from 'vitest';
import { restartDelay } from './restart-backoff.js';

describe('restartDelay', () => {
  it('doubles from 250 ms and stops at 30 s', () => {
    expect([1, 2, 3, 4].map(restartDelay)).toEqual([250, 500, 1000, 2000]);
    expect(restartDelay(8)).toBe(30_000);
    expect(restartDelay(1000)).toBe(30_000);
    expect(restartDelay(0)).toBe(250);
  });
});
