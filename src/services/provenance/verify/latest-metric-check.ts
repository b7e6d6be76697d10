import type { LatestMetricsTable } from '../../../store/schema.js';

type LatestRow = Pick<LatestMetricsTable, 'key' | 'step' | 'timestamp' | 'value' | 'is_nan'>;
type PointRow = Pick<LatestMetricsTable, 'step' | 'timestamp' | 'value' | 'is_nan'>;

/**
 * The per-key "latest" values that search and run pages read are derived from the points: each must be a stored
 * point with the highest step (then timestamp) of its key, and every key with points must have one. The points are
 * shown to it key by key in step order, in the pass that checks the metric batches, so it needs no query of its own.
 */
export class LatestPointCheck {
  private readonly latest: Map<string, LatestRow>;
  /** Per key with points: its last point in step order, and whether one point equals the latest value. */
  private readonly seen = new Map<string, { newest: PointRow; exact: boolean }>();
  private key = '';
  private wanted: LatestRow | undefined;

  /** `latest` holds the run's latest values in the order their problems are to be reported. */
  constructor(private readonly rows: readonly LatestRow[]) {
    this.latest = new Map(rows.map((row) => [row.key, row]));
  }

  startKey(key: string): void {
    this.key = key;
    this.wanted = this.latest.get(key);
  }

  add(point: PointRow): void {
    const seen = this.seen.get(this.key);
    const wanted = this.wanted;
    const exact =
      wanted !== undefined &&
      point.step === wanted.step &&
      point.timestamp === wanted.timestamp &&
      point.is_nan === wanted.is_nan &&
      point.value === wanted.value;
    if (seen) {
      seen.newest = point;
      seen.exact ||= exact;
    } else this.seen.set(this.key, { newest: point, exact });
  }

  /** What is wrong, once every key's points were shown. */
  problems(): string[] {
    const problems: string[] = [];
    for (const key of this.seen.keys()) {
      if (!this.latest.has(key)) problems.push(`metric '${key}' has points but no latest value`);
    }
    for (const row of this.rows) {
      const seen = this.seen.get(row.key);
      const shown = row.is_nan ? 'NaN' : String(row.value);
      if (!seen?.exact) {
        problems.push(`the latest value of metric '${row.key}' (${shown} at step ${row.step}) is not a logged point`);
      } else if (seen.newest.step !== row.step || seen.newest.timestamp !== row.timestamp) {
        problems.push(
          `the latest value of metric '${row.key}' is from step ${row.step} but points go up to step ${seen.newest.step}`,
        );
      }
    }
    return problems;
  }
}
