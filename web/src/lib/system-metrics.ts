/** MLflow's system metrics (CPU, memory, disk, network and GPU sampled while a run ran) are logged under this prefix. */
export const SYSTEM_PREFIX = 'system/';

/**
 * Splits a run's metric keys into what the model reported and the system metrics, each sorted, so the run page
 * charts how the machine behaved on a panel of its own instead of mixing it into the learning curves.
 */
export function splitSystemMetrics(keys: readonly string[]): { model: string[]; system: string[] } {
  const model: string[] = [];
  const system: string[] = [];
  for (const key of keys) (key.startsWith(SYSTEM_PREFIX) ? system : model).push(key);
  return { model: model.sort(), system: system.sort() };
}
