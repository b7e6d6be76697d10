import { describe, expect, it } from 'vitest';
import { completenessByDay, mergeCompletenessDays } from './completeness-trend.js';
import { parseDashboardOptions } from './dashboard-options.js';
import { runsByUser } from './runs-by-user.js';

describe('dashboard options', () => {
  it('defaults to a window of 20 and z 3.5, and reads a metric list', () => {
    expect(parseDashboardOptions({})).toEqual({ metrics: [], window: 20, threshold: 3.5 });
    expect(parseDashboardOptions({ metrics: 'acc, loss,acc,', window: '50', z: '2.5' })).toEqual({
      metrics: ['acc', 'loss'],
      window: 50,
      threshold: 2.5,
    });
  });

  it.each([
    [{ window: '0' }, /window/],
    [{ window: '4' }, /window/],
    [{ window: '201' }, /window/],
    [{ window: 'abc' }, /window/],
    [{ window: '2.5' }, /window/],
    [{ z: '0' }, /z must/],
    [{ z: '-1' }, /z must/],
    [{ z: 'NaN' }, /z must/],
    [{ z: '1e9' }, /z must/],
    [{ metrics: 'a,b,c,d,e,f,g' }, /At most 6/],
    [{ metrics: 'x'.repeat(251) }, /at most 250/],
  ])('refuses %o', (query, message) => {
    expect(() => parseDashboardOptions(query)).toThrow(message);
  });
});

describe('completeness by day', () => {
  it('shares complete runs per UTC day, oldest first', () => {
    const day = 86_400_000;
    expect(
      completenessByDay([
        { startTime: 3 * day + 5, complete: true },
        { startTime: day + 1, complete: false },
        { startTime: 3 * day + 9, complete: false },
        { startTime: day + 2, complete: true },
        { startTime: day + 3, complete: true },
      ]),
    ).toEqual([
      { day, judged: 3, complete: 2, share: 2 / 3 },
      { day: 3 * day, judged: 2, complete: 1, share: 0.5 },
    ]);
  });
});

describe('merged completeness days', () => {
  it('adds up the same day across sources and keeps the rest, oldest first', () => {
    const day = 86_400_000;
    expect(
      mergeCompletenessDays([
        [
          { day: 2 * day, judged: 2, complete: 1, share: 0.5 },
          { day: 3 * day, judged: 1, complete: 1, share: 1 },
        ],
        [{ day: 2 * day, judged: 2, complete: 2, share: 1 }],
        [],
      ]),
    ).toEqual([
      { day: 2 * day, judged: 4, complete: 3, share: 0.75 },
      { day: 3 * day, judged: 1, complete: 1, share: 1 },
    ]);
  });
});

describe('runs by user', () => {
  it('counts runs, finished and failed per user, most runs first', () => {
    expect(
      runsByUser([
        { userId: 'bo', status: 'FINISHED' },
        { userId: 'al', status: 'FAILED' },
        { userId: 'cy', status: 'RUNNING' },
        { userId: 'al', status: 'FINISHED' },
        { userId: 'bo', status: 'KILLED' },
      ]),
    ).toEqual([
      { userId: 'al', runs: 2, finished: 1, failed: 1 },
      { userId: 'bo', runs: 2, finished: 1, failed: 0 },
      { userId: 'cy', runs: 1, finished: 0, failed: 0 },
    ]);
  });
});
