import { BlockAccumulator, type BlockSummary, type SummaryPoint } from '../../../domain/metrics/metric-blocks.js';
import { summarisedMetricKeysOfRun } from '../../../store/readers/tracking-reads.js';
import { allMetricBlocks } from '../../../store/repositories/metric-block-repository.js';
import type { Executor } from '../../../store/store.js';

/**
 * Charts of long histories are drawn from per-block summaries, not from the points; a summary edited in the
 * database would hide a spike or show one that never happened without touching a point. Each metric's summaries
 * are rebuilt from its points (fed in step order) and compared with the stored ones.
 */
export class MetricBlockCheck {
  private accumulator: BlockAccumulator | undefined;
  private key = '';

  constructor(
    private readonly db: Executor,
    private readonly runId: string,
  ) {}

  startKey(key: string): void {
    this.key = key;
    this.accumulator = new BlockAccumulator(key);
  }

  add(point: SummaryPoint): void {
    this.accumulator!.add(point);
  }

  /** What differs between the rebuilt and the stored summaries of the current metric. */
  async finishKey(): Promise<string[]> {
    const rebuilt = new Map(this.accumulator!.finish().map((b) => [id(b), b]));
    const stored = await allMetricBlocks(this.db, this.runId, this.key);
    const problems: string[] = [];
    for (const block of stored) {
      const expected = rebuilt.get(id(block));
      rebuilt.delete(id(block));
      const difference = expected ? differenceOf(expected, block) : 'no points lie in it';
      if (difference) problems.push(`${describe(this.key, block)} does not match the points: ${difference}`);
    }
    for (const missing of rebuilt.values()) {
      problems.push(`${describe(this.key, missing)} is missing although ${missing.count} points lie in it`);
    }
    return problems;
  }
}

/** Summaries stored for metrics of the run that have no points at all. */
export async function orphanBlockProblems(db: Executor, runId: string, keys: ReadonlySet<string>): Promise<string[]> {
  const summarised = await summarisedMetricKeysOfRun(db, runId);
  return summarised
    .filter((key) => !keys.has(key))
    .map((key) => `metric '${key}' has chart summaries but no points: they were inserted directly`);
}

const id = (b: BlockSummary) => `${b.shift}/${b.block}`;

function describe(key: string, b: BlockSummary): string {
  const width = 2 ** b.shift;
  return `the chart summary of metric '${key}' for steps ${b.block * width}–${(b.block + 1) * width - 1}`;
}

function differenceOf(expected: BlockSummary, stored: BlockSummary): string | undefined {
  if (expected.count !== stored.count) return `count is ${stored.count}, the points give ${expected.count}`;
  for (const side of ['min', 'max', 'nan'] as const) {
    const a = expected[side];
    const b = stored[side];
    const same = a && b ? a.step === b.step && a.timestamp === b.timestamp && Object.is(a.value, b.value) : a === b;
    if (!same) return `${side} is ${show(b)}, the points give ${show(a)}`;
  }
  return undefined;
}

const show = (p: SummaryPoint | undefined) => (p ? `${p.value} at step ${p.step}` : 'none');
