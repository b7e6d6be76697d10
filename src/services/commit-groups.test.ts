import { describe, expect, it } from 'vitest';
import { CommitGroups, type Settlement } from './commit-groups.js';

/** A runner whose groups finish only when the test says so, recording the groups it was given. */
function controlledRunner() {
  const groups: string[][] = [];
  const finishers: ((settlements: Settlement[] | Error) => void)[] = [];
  const run = (jobs: readonly string[]) =>
    new Promise<Settlement[]>((resolve, reject) => {
      groups.push([...jobs]);
      finishers.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
    });
  const succeedAll = (index: number) =>
    finishers[index]!(groups[index]!.map((job) => ({ ok: true, value: `done ${job}` })));
  return { groups, finishers, run, succeedAll };
}

/** Records every settlement as it happens, so tests can see when each job learned its outcome. */
function track(promise: Promise<unknown>, log: string[], name: string) {
  promise.then(
    (value) => log.push(`${name}: ${value}`),
    (error: Error) => log.push(`${name} failed: ${error.message}`),
  );
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CommitGroups', () => {
  it('groups jobs submitted in the same turn and runs the first group in the next one', async () => {
    const runner = controlledRunner();
    const groups = new CommitGroups(runner.run);
    const log: string[] = [];
    track(groups.submit('a'), log, 'a');
    track(groups.submit('b'), log, 'b');
    expect(runner.groups).toEqual([]);
    await turn();
    expect(runner.groups).toEqual([['a', 'b']]);
    runner.succeedAll(0);
    await turn();
    expect(log).toEqual(['a: done a', 'b: done b']);
  });

  it('gathers jobs submitted while a group runs into the next group, run only after the first settled', async () => {
    const runner = controlledRunner();
    const groups = new CommitGroups(runner.run);
    const log: string[] = [];
    track(groups.submit('a'), log, 'a');
    await turn();
    track(groups.submit('b'), log, 'b');
    track(groups.submit('c'), log, 'c');
    await turn();
    expect(runner.groups).toEqual([['a']]);
    runner.succeedAll(0);
    await turn();
    expect(log).toEqual(['a: done a']);
    expect(runner.groups).toEqual([['a'], ['b', 'c']]);
    runner.succeedAll(1);
    await turn();
    expect(log).toEqual(['a: done a', 'b: done b', 'c: done c']);
  });

  it('settles no job before its whole group has finished', async () => {
    const runner = controlledRunner();
    const groups = new CommitGroups(runner.run);
    const log: string[] = [];
    track(groups.submit('a'), log, 'a');
    track(groups.submit('b'), log, 'b');
    await turn();
    await turn();
    expect(log).toEqual([]);
    runner.finishers[0]!([
      { ok: false, error: new Error('bad input') },
      { ok: true, value: 'stored' },
    ]);
    await turn();
    expect(log).toEqual(['a failed: bad input', 'b: stored']);
  });

  it('fails every job of a group whose run failed as a whole, and goes on with the next group', async () => {
    const runner = controlledRunner();
    const groups = new CommitGroups(runner.run);
    const log: string[] = [];
    track(groups.submit('a'), log, 'a');
    track(groups.submit('b'), log, 'b');
    await turn();
    track(groups.submit('c'), log, 'c');
    runner.finishers[0]!(new Error('commit failed'));
    await turn();
    expect(log).toEqual(['a failed: commit failed', 'b failed: commit failed']);
    expect(runner.groups.at(-1)).toEqual(['c']);
    runner.succeedAll(1);
    await turn();
    expect(log.at(-1)).toBe('c: done c');
  });

  it('fails the group when the runner reports a different number of outcomes than jobs', async () => {
    const groups = new CommitGroups<string>(async () => [{ ok: true, value: 1 }]);
    const results = await Promise.allSettled([groups.submit('a'), groups.submit('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('caps a group at its maximum size and runs the rest in the following groups', async () => {
    const runner = controlledRunner();
    const groups = new CommitGroups(runner.run, { maxGroupSize: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((job) => groups.submit(job));
    await turn();
    runner.succeedAll(0);
    await turn();
    runner.succeedAll(1);
    await turn();
    runner.succeedAll(2);
    expect(await Promise.all(all)).toEqual(['done a', 'done b', 'done c', 'done d', 'done e']);
    expect(runner.groups).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('starts afresh after a quiet period', async () => {
    const groups = new CommitGroups<string>(async (jobs) => jobs.map((job) => ({ ok: true, value: job })));
    expect(await groups.submit('a')).toBe('a');
    expect(await Promise.all([groups.submit('b'), groups.submit('c')])).toEqual(['b', 'c']);
  });
});
