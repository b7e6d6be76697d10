import type { WireMetric } from './wire/shapes.js';

/**
 * Points logged but not yet acknowledged by the server, oldest first. Each point carries the timestamp it was
 * logged with, so a batch sent again after a lost answer is identical and the server stores it once.
 */
export class MetricBuffer {
  private points: WireMetric[] = [];

  constructor(readonly batchSize: number) {}

  get size(): number {
    return this.points.length;
  }

  add(point: WireMetric): void {
    this.points.push(point);
  }

  /** Removes and returns the oldest points, at most one batch of them. */
  take(): WireMetric[] {
    return this.points.splice(0, this.batchSize);
  }

  /** Returns a batch that could not be delivered to the front, so it goes first on the next flush. */
  putBack(batch: WireMetric[]): void {
    this.points = batch.concat(this.points);
  }
}

/** One key's points as columns: the native batch endpoint's columnar shape, half the bytes of the row shape. */
export interface WireSeries {
  key: string;
  steps: number[];
  timestamps: number[];
  values: WireMetric['value'][];
}

/** Points regrouped by key (keys in the order they first appear, each key's points in the order logged). */
export function toSeries(points: readonly WireMetric[]): WireSeries[] {
  const byKey = new Map<string, WireSeries>();
  for (const p of points) {
    let series = byKey.get(p.key);
    if (!series) {
      series = { key: p.key, steps: [], timestamps: [], values: [] };
      byKey.set(p.key, series);
    }
    series.steps.push(p.step);
    series.timestamps.push(p.timestamp);
    series.values.push(p.value);
  }
  return [...byKey.values()];
}
