import { type AnomalyFlag, type AnomalyOptions, flagAnomalies } from './anomaly-flags.js';

/** One metric of a run that just finished, with the values of the finished runs that started before it. */
export interface MetricHistory {
  metric: string;
  value: number;
  /** Earlier finished runs of the same experiment, any order; the newest `window` are used. */
  history: { runId: string; startTime: number; value: number }[];
}

/**
 * The flags a run earns as it finishes: each metric judged against the same window of earlier finished runs the
 * dashboard would use, so a webhook never announces a flag the dashboard does not show. Metrics in name order.
 */
export function flagsOfFinishedRun(
  run: { runId: string; startTime: number },
  metrics: readonly MetricHistory[],
  options: AnomalyOptions,
): AnomalyFlag[] {
  return [...metrics]
    .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
    .flatMap(({ metric, value, history }) => {
      const points = [
        ...history.map((h) => ({ ...h, finished: true })),
        { runId: run.runId, startTime: run.startTime, value, finished: true },
      ];
      return flagAnomalies(metric, points, options).filter((flag) => flag.runId === run.runId);
    });
}
