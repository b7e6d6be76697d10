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
