import type { ColumnBatch } from './direct-writer.js';

/** The creation time of the first loaded entity; each next one is a millisecond later. */
export const EPOCH = 1_700_000_000_000;

/** A zero-padded number, so loaded names sort as they count. */
export const digits = (i: number): string => String(i).padStart(6, '0');

/** `count` active experiments `exp-<n>` from number `start` on, as rows for the direct writer. */
export function experimentRows(start: number, count: number): ColumnBatch {
  const ids = Array.from({ length: count }, (_, k) => start + k);
  return {
    table: 'experiments',
    columns: [
      { name: 'experiment_id', type: 'text', values: ids.map((i) => `bench-${i}`) },
      { name: 'name', type: 'text', values: ids.map((i) => `exp-${digits(i)}`) },
      { name: 'artifact_location', type: 'text', values: ids.map((i) => `mlflow-artifacts:/bench-${i}`) },
      { name: 'lifecycle_stage', type: 'text', values: ids.map(() => 'active') },
      { name: 'creation_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
      { name: 'last_update_time', type: 'bigint', values: ids.map((i) => EPOCH + i) },
    ],
  };
}
