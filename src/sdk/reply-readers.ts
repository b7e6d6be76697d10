import type { Metric, Run } from './types.js';
import { fromWireNumber } from './wire/non-finite.js';
import type { WireMetric, WireRun } from './wire/shapes.js';

/** Replies as the SDK hands them out: metric values read back into numbers. */
export const readMetric = (metric: WireMetric): Metric => ({ ...metric, value: fromWireNumber(metric.value) });

export const readRun = (run: WireRun): Run => ({ ...run, metrics: run.metrics.map(readMetric) });
