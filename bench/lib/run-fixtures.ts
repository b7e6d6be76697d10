import type { ColumnBatch, DirectWriter } from './direct-writer.js';

export const PARAMS_PER_RUN = 20;
export const METRICS_PER_RUN = 10;
export const TAGS_PER_RUN = 5;
const EPOCH = 1_700_000_000_000;
const CHUNK = 2_000;

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so every run of the benchmark loads the same data. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Param j takes 5 + j distinct values ('v0' …), so filters of every selectivity from 1/5 to 1/24 are available. */
export const paramValueCount = (j: number) => 5 + j;

/**
 * Loads `count` finished runs into an experiment straight through the database, shaped as the API would store them:
 * the runs row, PARAMS_PER_RUN params, METRICS_PER_RUN metrics (one point each, mirrored in latest_metrics) and
 * TAGS_PER_RUN tags including mlflow.runName.
 */
export async function loadRuns(
  writer: DirectWriter,
  experimentId: string,
  count: number,
  onProgress?: (loaded: number) => void,
): Promise<void> {
  const next = random(count);
  for (let start = 0; start < count; start += CHUNK) {
    const ids: string[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++)
      ids.push(`${experimentId}r${i.toString(16).padStart(27, '0')}`);
    const runs: Record<string, (string | number | null)[]> = {
      run_id: ids,
      experiment_id: ids.map(() => experimentId),
      run_name: ids.map((_, k) => `run-${start + k}`),
      user_id: ids.map(() => 'bench'),
      status: ids.map(() => 'FINISHED'),
      start_time: ids.map((_, k) => EPOCH + (start + k) * 1000),
      end_time: ids.map((_, k) => EPOCH + (start + k) * 1000 + 500),
      lifecycle_stage: ids.map(() => 'active'),
      artifact_uri: ids.map((id) => `mlflow-artifacts:/${experimentId}/${id}/artifacts`),
    };
    await writer.insert(columns('runs', runs, { start_time: 'bigint', end_time: 'bigint' }));

    const params = keyValues(
      ids,
      PARAMS_PER_RUN,
      (j) => `p${j}`,
      (j) => `v${Math.floor(next() * paramValueCount(j))}`,
    );
    await writer.insert(columns('run_params', params, {}));
    const tags = keyValues(
      ids,
      TAGS_PER_RUN,
      (j) => (j === 0 ? 'mlflow.runName' : `t${j}`),
      (j, k) => (j === 0 ? `run-${start + k}` : `x${Math.floor(next() * (2 + j))}`),
    );
    await writer.insert(columns('run_tags', tags, {}));

    const metricRows: Record<string, (string | number)[]> = {
      run_id: [],
      key: [],
      step: [],
      timestamp: [],
      value: [],
      is_nan: [],
    };
    for (let k = 0; k < ids.length; k++) {
      for (let j = 0; j < METRICS_PER_RUN; j++) {
        metricRows.run_id!.push(ids[k]!);
        metricRows.key!.push(`m${j}`);
        metricRows.step!.push(0);
        metricRows.timestamp!.push(EPOCH + (start + k) * 1000);
        metricRows.value!.push(next());
        metricRows.is_nan!.push(0);
      }
    }
    const metricTypes = { step: 'bigint', timestamp: 'bigint', value: 'float8', is_nan: 'int' } as const;
    await writer.insert(columns('metrics', metricRows, metricTypes));
    await writer.insert(columns('latest_metrics', metricRows, metricTypes));
    onProgress?.(Math.min(count, start + CHUNK));
  }
}

function keyValues(
  ids: string[],
  perRun: number,
  key: (j: number) => string,
  value: (j: number, k: number) => string,
): Record<string, string[]> {
  const rows: Record<string, string[]> = { run_id: [], key: [], value: [] };
  ids.forEach((id, k) => {
    for (let j = 0; j < perRun; j++) {
      rows.run_id!.push(id);
      rows.key!.push(key(j));
      rows.value!.push(value(j, k));
    }
  });
  return rows;
}

function columns(
  table: string,
  data: Record<string, readonly (string | number | null)[]>,
  types: Record<string, 'bigint' | 'float8' | 'int'>,
): ColumnBatch {
  return {
    table,
    columns: Object.entries(data).map(([name, values]) => ({ name, type: types[name] ?? 'text', values })),
  };
}
