import { metricValueToWire } from '../../domain/metrics/metric-value.js';
import type { DatasetInput, Experiment, KeyValue, Metric, Run } from '../../domain/tracking/entities.js';

/** Entities → native JSON: camelCase, tags and params as objects, non-finite metric values as strings. */

export const toMap = (pairs: KeyValue[]): Record<string, string> =>
  Object.fromEntries(pairs.map((p) => [p.key, p.value]));

export const fromMap = (map: Record<string, string> | undefined): KeyValue[] =>
  Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));

export function presentExperiment(experiment: Experiment) {
  return { ...experiment, tags: toMap(experiment.tags) };
}

export function presentMetric(metric: Metric) {
  return { key: metric.key, value: metricValueToWire(metric.value), step: metric.step, timestamp: metric.timestamp };
}

export function presentInput(input: DatasetInput) {
  return { ...input, tags: toMap(input.tags) };
}

export function presentRun(run: Run) {
  return {
    ...run.info,
    params: toMap(run.params),
    tags: toMap(run.tags),
    metrics: run.metrics.map(presentMetric),
    inputs: run.inputs.map(presentInput),
  };
}
