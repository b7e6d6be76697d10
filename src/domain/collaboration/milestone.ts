import { invalid } from '../errors.js';

/** Which way a metric must move to meet its target. */
export type Comparator = '>=' | '<=';
export const COMPARATORS: readonly Comparator[] = ['>=', '<='];

/** A target on an experiment or a registered model: "val_auc >= 0.92 by 2027-03-01". */
export interface Milestone {
  milestoneId: string;
  scope: { kind: 'experiment' | 'model'; id: string };
  name: string;
  metricKey: string;
  comparator: Comparator;
  target: number;
  /** Epoch ms; the target is due at the end of that moment. */
  dueTime: number;
  createdBy: string;
  creationTime: number;
}

export type MilestoneStatus = 'met' | 'on_track' | 'overdue';

/** The best value so far and where the milestone stands. */
export interface MilestoneProgress {
  /** Null when no run has the metric yet. */
  best: number | null;
  /** The run that holds the best value. */
  bestRunId: string | null;
  runsConsidered: number;
  status: MilestoneStatus;
  /** How far from the start value (the worst run) to the target the best run got, 0–1; null without two values. */
  fraction: number | null;
}

export interface MilestoneInput {
  name: string;
  metricKey: string;
  comparator: string;
  target: number;
  dueTime: number;
}

const MAX_NAME = 200;
const MAX_KEY = 250;

/** Rejects what could not be a target: empty names, unknown comparators, non-finite targets, impossible due dates. */
export function checkMilestone(input: MilestoneInput): asserts input is MilestoneInput & { comparator: Comparator } {
  if (input.name.trim() === '' || input.name.length > MAX_NAME) {
    throw invalid(`A milestone name is 1-${MAX_NAME} characters`);
  }
  if (input.metricKey.trim() === '' || input.metricKey.length > MAX_KEY) {
    throw invalid(`A milestone's metric key is 1-${MAX_KEY} characters`);
  }
  if (!(COMPARATORS as readonly string[]).includes(input.comparator)) {
    throw invalid(`A milestone's comparator is '>=' or '<='; got '${input.comparator}'`);
  }
  if (!Number.isFinite(input.target)) throw invalid('A milestone target is a finite number');
  if (!Number.isSafeInteger(input.dueTime) || input.dueTime <= 0) {
    throw invalid('A milestone due time is a positive integer of epoch milliseconds');
  }
}

/** Whether `a` is better than `b` for the comparator: higher for `>=`, lower for `<=`. */
function better(comparator: Comparator, a: number, b: number): boolean {
  return comparator === '>=' ? a > b : a < b;
}

/**
 * Where a milestone stands given each run's value of its metric (NaN and infinite values are not progress and are
 * skipped). Met as soon as any run reaches the target, whenever that was — a target reached stays reached; otherwise
 * overdue once `now` is past the due time, and on track before.
 */
export function milestoneProgress(
  milestone: Pick<Milestone, 'comparator' | 'target' | 'dueTime'>,
  values: readonly { runId: string; value: number }[],
  now: number,
): MilestoneProgress {
  const finite = values.filter((v) => Number.isFinite(v.value));
  let best: { runId: string; value: number } | undefined;
  let worst: number | undefined;
  for (const v of finite) {
    if (!best || better(milestone.comparator, v.value, best.value)) best = v;
    if (worst === undefined || better(milestone.comparator, worst, v.value)) worst = v.value;
  }
  const met =
    best !== undefined &&
    (milestone.comparator === '>=' ? best.value >= milestone.target : best.value <= milestone.target);
  const status: MilestoneStatus = met ? 'met' : now > milestone.dueTime ? 'overdue' : 'on_track';
  return {
    best: best?.value ?? null,
    bestRunId: best?.runId ?? null,
    runsConsidered: finite.length,
    status,
    fraction: fractionOf(best?.value, worst, milestone.target, met),
  };
}

function fractionOf(best: number | undefined, worst: number | undefined, target: number, met: boolean): number | null {
  if (met) return 1;
  if (best === undefined || worst === undefined) return null;
  const span = target - worst;
  if (span === 0) return null;
  return Math.min(1, Math.max(0, (best - worst) / span));
}
