import type { RecordedPoint } from '../spool/run-recorder.js';

/**
 * Gathers the points `mnemo run` reads from the command's output and samples from the machine, and hands them to the
 * recorder in batches (when `maxPoints` are waiting, every `intervalMs`, and at close), one batch at a time in order:
 * a recorder writes a batch as one request, or one journal line when the run is spooled, rather than one per point.
 * A batch that cannot be recorded is reported and the command goes on.
 */
export class MetricBatches {
  private waiting: RecordedPoint[] = [];
  private sending: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly record: (points: RecordedPoint[]) => Promise<void>,
    private readonly warn: (message: string) => void,
    private readonly options: { maxPoints: number; intervalMs: number } = { maxPoints: 1000, intervalMs: 1000 },
  ) {
    this.timer = setInterval(() => this.send(), options.intervalMs);
    this.timer.unref();
  }

  add(points: RecordedPoint[]): void {
    this.waiting.push(...points);
    if (this.waiting.length >= this.options.maxPoints) this.send();
  }

  /** Sends what is waiting and resolves once every batch has been recorded or reported. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.send();
    await this.sending;
  }

  private send(): void {
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    this.sending = this.sending.then(() =>
      this.record(batch).catch((error: unknown) => {
        const keys = [...new Set(batch.map((p) => p.key))].join(', ');
        this.warn(
          `could not record ${batch.length} points of ${keys}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }),
    );
  }
}
