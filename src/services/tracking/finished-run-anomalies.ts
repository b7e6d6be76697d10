import { DEFAULT_THRESHOLD, DEFAULT_WINDOW, MIN_HISTORY } from '../../domain/dashboards/anomaly-flags.js';
import { flagsOfFinishedRun } from '../../domain/dashboards/finished-run-anomalies.js';
import type { Run } from '../../domain/tracking/entities.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { finishedValuesBefore, latestValuesOfRun } from '../../store/repositories/experiment-dashboard-repository.js';
import type { Executor } from '../../store/store.js';

/** A run logging thousands of keys is judged on the first ones by name: each key costs one indexed read. */
export const MAX_JUDGED_METRICS = 50;

/**
 * The `run.anomaly_flagged` event a run earns as it finishes, judged with the dashboard's defaults (the 20 earlier
 * finished runs, |robust z| above 3.5, once 5 exist) so CI and webhooks hear what the dashboard shows; none when no
 * metric lies outside. Read inside the finishing transaction, so the window is the one the run finished against.
 */
export async function anomalyEventOf(db: Executor, run: Run): Promise<RegistryEvent[]> {
  const { runId, experimentId, startTime } = run.info;
  const latest = await latestValuesOfRun(db, runId, MAX_JUDGED_METRICS);
  const metrics = [];
  for (const { key, value } of latest) {
    if (!Number.isFinite(value)) continue;
    const history = await finishedValuesBefore(db, experimentId, { runId, startTime }, key, DEFAULT_WINDOW);
    if (history.length >= MIN_HISTORY) metrics.push({ metric: key, value, history });
  }
  const flags = flagsOfFinishedRun({ runId, startTime }, metrics, {
    window: DEFAULT_WINDOW,
    threshold: DEFAULT_THRESHOLD,
    minHistory: MIN_HISTORY,
  });
  if (flags.length === 0) return [];
  return [{ kind: 'run.anomaly_flagged', runId, experimentId, runName: run.info.runName || null, startTime, flags }];
}
