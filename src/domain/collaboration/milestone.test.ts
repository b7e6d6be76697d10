import { describe, expect, it } from 'vitest';
import { checkMilestone, milestoneProgress } from './milestone.js';

const DUE = Date.UTC(2027, 2, 1);
const auc = { comparator: '>=' as const, target: 0.92, dueTime: DUE };
const loss = { comparator: '<=' as const, target: 0.1, dueTime: DUE };
const runs = (...values: number[]) => values.map((value, i) => ({ runId: `r${i}`, value }));

describe('milestoneProgress', () => {
  it('is on track before the due time, with the best run and how far it got from the worst', () => {
    const p = milestoneProgress(auc, runs(0.8, 0.86, 0.83), DUE - 1);
    expect(p).toEqual({
      best: 0.86,
      bestRunId: 'r1',
      runsConsidered: 3,
      status: 'on_track',
      fraction: expect.any(Number),
    });
    expect(p.fraction).toBeCloseTo(0.5, 10);
  });

  it('is met when a run reaches the target exactly, even after the due time', () => {
    expect(milestoneProgress(auc, runs(0.8, 0.92), DUE + 1)).toMatchObject({ status: 'met', best: 0.92, fraction: 1 });
  });

  it('is overdue after the due time without a run reaching the target', () => {
    expect(milestoneProgress(auc, runs(0.91), DUE + 1)).toMatchObject({ status: 'overdue', best: 0.91 });
    expect(milestoneProgress(auc, runs(0.91), DUE)).toMatchObject({ status: 'on_track' });
  });

  it('takes the lowest value as best for <=', () => {
    expect(milestoneProgress(loss, runs(0.3, 0.12, 0.5), DUE - 1)).toMatchObject({
      best: 0.12,
      bestRunId: 'r1',
      status: 'on_track',
    });
    expect(milestoneProgress(loss, runs(0.3, 0.05), DUE - 1)).toMatchObject({ best: 0.05, status: 'met' });
  });

  it('skips NaN and infinite values and reports no progress without runs', () => {
    expect(milestoneProgress(auc, runs(Number.NaN, Number.POSITIVE_INFINITY), DUE - 1)).toEqual({
      best: null,
      bestRunId: null,
      runsConsidered: 0,
      status: 'on_track',
      fraction: null,
    });
    expect(milestoneProgress(auc, [], DUE + 1).status).toBe('overdue');
  });

  it('measures a single run from itself: no progress yet, or all of it when it meets the target', () => {
    expect(milestoneProgress(auc, runs(0.5), DUE - 1).fraction).toBe(0);
    expect(milestoneProgress({ ...auc, target: 0.5 }, runs(0.5), DUE - 1).fraction).toBe(1);
  });
});

describe('checkMilestone', () => {
  const good = { name: 'AUC', metricKey: 'val_auc', comparator: '>=', target: 0.92, dueTime: DUE };
  it('accepts a well-formed milestone', () => {
    expect(() => checkMilestone(good)).not.toThrow();
  });
  it.each([
    [{ name: ' ' }, /name/],
    [{ metricKey: '' }, /metric key/],
    [{ comparator: '>' }, /comparator/],
    [{ target: Number.NaN }, /finite/],
    [{ dueTime: -5 }, /due time/],
    [{ dueTime: 1.5 }, /due time/],
  ])('rejects %o', (change, message) => {
    expect(() => checkMilestone({ ...good, ...change })).toThrow(message);
  });
});
