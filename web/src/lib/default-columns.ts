import type { ExperimentKeys } from '../api/types.js';
import { columnId, DEFAULT_COLUMNS } from './columns.js';

/** How many metrics and params open the table: enough to compare runs at a glance, few enough to fit a screen. */
export const DEFAULT_METRICS = 4;
export const DEFAULT_PARAMS = 4;

/**
 * The columns a runs table opens with when the user has chosen none: the run attributes, then the experiment's
 * main metrics and params, as MLflow shows them. System metrics (`system/*`, CPU and memory sampled while a run
 * ran) say how a run ran rather than how well, so they are left for the user to add.
 */
export function defaultColumns(keys: ExperimentKeys | undefined): string[] {
  if (!keys) return DEFAULT_COLUMNS;
  const metrics = [...keys.metrics]
    .filter((k) => !k.startsWith('system/'))
    .sort(byMainness)
    .slice(0, DEFAULT_METRICS);
  const params = [...keys.params].sort(byMainness).slice(0, DEFAULT_PARAMS);
  return [
    ...DEFAULT_COLUMNS,
    ...metrics.map((k) => columnId('metrics', k)),
    ...params.map((k) => columnId('params', k)),
  ];
}

/**
 * Plain keys before namespaced ones (`loss` before `eval/loss/batch`): a key nested under a prefix is most often a
 * detail of a top-level one. Otherwise alphabetical, so the choice is stable as runs are added.
 */
function byMainness(a: string, b: string): number {
  const depth = (k: string) => (k.match(/[/.]/g) ?? []).length;
  return depth(a) - depth(b) || a.localeCompare(b);
}
