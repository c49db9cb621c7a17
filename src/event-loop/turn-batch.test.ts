/**
 * TurnBatch: jobs wait for the end of the turn that added them and then run together, in order;
 * what a job throws goes to the batch's failure handler and the rest still run; jobs added by
 * running jobs or their promise callbacks run in the same check phase, in a next round, up to four
 * rounds a turn.
 */
import { describe, expect, it } from 'vitest';
import { TurnBatch } from './turn-batch.js';

const nextCheckPhase = () => new Promise<void>((r) => setImmediate(r));

describe('TurnBatch', () => {
  it('runs the jobs of one turn together after the turn, in the order they were added', async () => {
    const done: string[] = [];
    const batch = new TurnBatch((err) => done.push(`failed: ${String(err)}`));
    batch.add(() => done.push('a'));
    batch.add(() => done.push('b'));
    done.push('turn');
    await Promise.resolve();
    // not in the turn's own microtasks either: the check phase
    expect(done).toEqual(['turn']);
    batch.add(() => done.push('c'));
    await nextCheckPhase();
    expect(done).toEqual(['turn', 'a', 'b', 'c']);
  });

  it('hands what a job throws to the failure handler and still runs the jobs after it', async () => {
    const done: string[] = [];
    const failures: unknown[] = [];
    const batch = new TurnBatch((err) => failures.push(err));
    batch.add(() => done.push('a'));
    const boom = new Error('boom');
    batch.add(() => {
      throw boom;
    });
    batch.add(() => done.push('c'));
    await nextCheckPhase();
    expect(done).toEqual(['a', 'c']);
    expect(failures).toEqual([boom]);
  });

  it('runs the jobs that running jobs and their promise callbacks add in the same check phase, once those callbacks have run', async () => {
    const done: string[] = [];
    const batch = new TurnBatch(() => done.push('failed'));
    batch.add(() => {
      done.push('first');
      batch.add(() => done.push('added by a job'));
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => {
          done.push('its callback');
          batch.add(() => done.push('added by its callback'));
        });
    });
    batch.add(() => done.push('second'));
    // queued after the batch's own: runs in the same check phase, after all of the batch's rounds
    await nextCheckPhase();
    expect(done).toEqual(['first', 'second', 'its callback', 'added by a job', 'added by its callback']);
  });

  it('runs at most four rounds in one check phase and leaves the rest for the next turn (the event loop polls its I/O between)', async () => {
    const done: string[] = [];
    const batch = new TurnBatch(() => done.push('failed'));
    let runs = 0;
    const again = (): void => {
      done.push(`run ${++runs}`);
      if (runs < 6) batch.add(again);
    };
    batch.add(again);
    await nextCheckPhase();
    expect(done).toEqual(['run 1', 'run 2', 'run 3', 'run 4']);
    while (runs < 6) await nextCheckPhase();
    expect(done).toEqual(['run 1', 'run 2', 'run 3', 'run 4', 'run 5', 'run 6']);
  });
});
