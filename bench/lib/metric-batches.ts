/**
 * Synthetic training curves for ingest: a batch of `size` points covers KEYS metric keys over size/KEYS consecutive
 * steps. Batch `index` of a run starts where batch index-1 ended, so no point repeats within a run.
 */
export const KEYS = 10;
const EPOCH = 1_700_000_000_000;

export interface PointColumns {
  keys: string[];
  steps: number[];
  timestamps: number[];
  values: number[];
}

export function batchColumns(size: number, index: number): PointColumns {
  const columns: PointColumns = { keys: [], steps: [], timestamps: [], values: [] };
  const stepsPerBatch = size / KEYS;
  for (let s = 0; s < stepsPerBatch; s++) {
    const step = index * stepsPerBatch + s;
    for (let k = 0; k < KEYS; k++) {
      columns.keys.push(`metric_${k}`);
      columns.steps.push(step);
      columns.timestamps.push(EPOCH + step * 10);
      // Noisy decaying curves with full double precision, like real losses (short decimals would flatter JSON).
      columns.values.push(Math.exp(-step / 5000) * (1 + k) + Math.sin(step * 0.37 + k) * 0.01);
    }
  }
  return columns;
}

/** The points as the native and MLflow APIs take them: [{key, value, step, timestamp}]. */
export function wirePoints(columns: PointColumns): { key: string; value: number; step: number; timestamp: number }[] {
  return columns.keys.map((key, i) => ({
    key,
    value: columns.values[i]!,
    step: columns.steps[i]!,
    timestamp: columns.timestamps[i]!,
  }));
}
