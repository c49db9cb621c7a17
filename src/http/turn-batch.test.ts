/**
 * TurnBatch: jobs wait for the end of the turn that added them and then run together, in order;
 * what a job throws goes to the batch's failure handler and the rest still run; jobs added by a
 * running job wait for the next batch.
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

  it('puts a job added by a running job into the next batch', async () => {
    const done: string[] = [];
    const batch = new TurnBatch(() => done.push('failed'));
    batch.add(() => {
      done.push('first');
      batch.add(() => done.push('added while running'));
    });
    batch.add(() => done.push('second'));
    await nextCheckPhase();
    expect(done).toEqual(['first', 'second']);
    await nextCheckPhase();
    expect(done).toEqual(['first', 'second', 'added while running']);
  });
});
