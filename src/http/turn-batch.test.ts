/**
 * TurnBatch: jobs wait for the end of the turn that added them and then run together, in order;
 * a job that throws is handed to its own failure handler and the rest still run; jobs added by a
 * running job wait for the next batch.
 */
import { describe, expect, it } from 'vitest';
import { TurnBatch } from './turn-batch.js';

const nextCheckPhase = () => new Promise<void>((r) => setImmediate(r));

describe('TurnBatch', () => {
  it('runs the jobs of one turn together after the turn, in the order they were added', async () => {
    const batch = new TurnBatch();
    const done: string[] = [];
    const fail = (err: unknown) => done.push(`failed: ${String(err)}`);
    batch.add(() => done.push('a'), fail);
    batch.add(() => done.push('b'), fail);
    done.push('turn');
    await Promise.resolve();
    // not in the turn's own microtasks either: the check phase
    expect(done).toEqual(['turn']);
    batch.add(() => done.push('c'), fail);
    await nextCheckPhase();
    expect(done).toEqual(['turn', 'a', 'b', 'c']);
  });

  it('hands a throwing job its own error and still runs the jobs after it', async () => {
    const batch = new TurnBatch();
    const done: string[] = [];
    const failures: unknown[] = [];
    batch.add(() => done.push('a'), (err) => failures.push(['a', err]));
    const boom = new Error('boom');
    batch.add(
      () => {
        throw boom;
      },
      (err) => failures.push(['b', err]),
    );
    batch.add(() => done.push('c'), (err) => failures.push(['c', err]));
    await nextCheckPhase();
    expect(done).toEqual(['a', 'c']);
    expect(failures).toEqual([['b', boom]]);
  });

  it('puts a job added by a running job into the next batch', async () => {
    const batch = new TurnBatch();
    const done: string[] = [];
    const fail = () => done.push('failed');
    batch.add(() => {
      done.push('first');
      batch.add(() => done.push('added while running'), fail);
    }, fail);
    batch.add(() => done.push('second'), fail);
    await nextCheckPhase();
    expect(done).toEqual(['first', 'second']);
    await nextCheckPhase();
    expect(done).toEqual(['first', 'second', 'added while running']);
  });
});
