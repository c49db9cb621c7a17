import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './cluster-primary.js';

describe('workerExecArgv', () => {
  it("adds a single-threaded collector to the primary's flags", () => {
    expect(workerExecArgv(['--import', 'tsx', '--max-semi-space-size=32'])).toEqual(['--import', 'tsx', '--max-semi-space-size=32', '--single-threaded-gc']);
    expect(workerExecArgv([])).toEqual(['--single-threaded-gc']);
  });

  it('keeps the choice the primary was started with', () => {
    for (const flag of ['--single-threaded-gc', '--no-single-threaded-gc', '--single_threaded_gc', '--single-threaded']) {
      expect(workerExecArgv(['--max-semi-space-size=32', flag])).toEqual(['--max-semi-space-size=32', flag]);
    }
  });
});
