import { type ArtifactSource, uploadArtifact, uploadArtifactDirectory } from './artifact-upload.js';
import { MnemoApiError, MnemoConnectionError } from './errors.js';
import { flushBeforeExit, forgetAtExit } from './exit-flush.js';
import type { HttpClient } from './http-client.js';
import { MetricBuffer, toSeries, type WireSeries } from './metric-buffer.js';
import { readRun } from './reply-readers.js';
import { isRetryableStatus } from './retry-policy.js';
import { SerialQueue } from './serial-queue.js';
import type { ArtifactFile, DatasetInput, Run, RunStatus } from './types.js';
import { apiPath } from './url-path.js';
import { toWireNumber } from './wire/non-finite.js';
import type { WireMetric, WireRun } from './wire/shapes.js';

export type ParamValue = string | number | boolean;

export interface ActiveRunOptions {
  maxBatchPoints: number;
  flushIntervalMs: number;
}

/** The server takes at most this many params or tags in one batch. */
const MAX_KEYS_PER_BATCH = 1000;
const END_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

/**
 * A run being logged to. Metrics are buffered and sent in batches (when a batch is full, every flushIntervalMs,
 * on flush() and on end()); params, tags and inputs are sent at once. All writes to the run go out one at a time,
 * in the order they were made.
 */
export class ActiveRun {
  readonly id: string;
  readonly experimentId: string;
  private readonly buffer: MetricBuffer;
  private readonly queue = new SerialQueue();
  private readonly timer: ReturnType<typeof setInterval>;
  private drainQueued = false;
  /** A background flush whose points the server refused: reported by the next flush() or end(). */
  private lostPoints: Error | undefined;
  private ended: Run | undefined;
  private ending: Promise<Run> | undefined;

  constructor(
    private readonly http: HttpClient,
    run: Run,
    options: ActiveRunOptions,
  ) {
    this.id = run.runId;
    this.experimentId = run.experimentId;
    this.buffer = new MetricBuffer(options.maxBatchPoints);
    this.timer = setInterval(() => this.drainInBackground(true), options.flushIntervalMs);
    // A forgotten end() must not keep the process alive; what is still buffered then is sent just before exit.
    this.timer.unref();
    flushBeforeExit(this);
  }

  /** Points logged but not yet accepted by the server. */
  get pendingPoints(): number {
    return this.buffer.size;
  }

  /**
   * Records one point, stamped with the current time now (or `timestamp`, for a point logged earlier elsewhere)
   * rather than when it is sent: a batch re-sent after a lost answer is then identical to the first, and the server
   * keeps each point once.
   */
  logMetric(key: string, value: number, step = 0, timestamp = Date.now()): void {
    this.assertOpen();
    if (typeof key !== 'string' || key === '') throw new TypeError('metric key must be a non-empty string');
    if (typeof value !== 'number') throw new TypeError(`metric '${key}' value must be a number; got ${typeof value}`);
    if (!Number.isSafeInteger(step)) throw new TypeError(`metric '${key}' step must be an integer; got ${step}`);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new TypeError(`metric '${key}' timestamp must be milliseconds since the epoch; got ${timestamp}`);
    }
    this.buffer.add({ key, value: toWireNumber(value), step, timestamp });
    if (this.buffer.size >= this.buffer.batchSize) this.drainInBackground(false);
  }

  logMetrics(values: Record<string, number>, step = 0): void {
    for (const [key, value] of Object.entries(values)) this.logMetric(key, value, step);
  }

  /** Params are write-once: logging a key again with the same value is accepted, a different value is refused. */
  async logParams(params: Record<string, ParamValue>): Promise<void> {
    this.assertOpen();
    const entries = Object.entries(params).map(([key, value]) => [key, String(value)] as const);
    for (let i = 0; i < entries.length; i += MAX_KEYS_PER_BATCH) {
      const chunk = Object.fromEntries(entries.slice(i, i + MAX_KEYS_PER_BATCH));
      await this.queue.run(() => this.sendBatch({ params: chunk }));
    }
  }

  /** Sets or replaces tags. */
  async setTags(tags: Record<string, string>): Promise<void> {
    this.assertOpen();
    const entries = Object.entries(tags);
    for (let i = 0; i < entries.length; i += MAX_KEYS_PER_BATCH) {
      const chunk = Object.fromEntries(entries.slice(i, i + MAX_KEYS_PER_BATCH));
      await this.queue.run(() => this.sendBatch({ tags: chunk }));
    }
  }

  async logInputs(datasets: DatasetInput[]): Promise<void> {
    this.assertOpen();
    if (datasets.length === 0) return;
    await this.queue.run(() => this.http.request('POST', apiPath`/runs/${this.id}/inputs`, { json: { datasets } }));
  }

  /** Uploads a file (streamed from disk) or in-memory bytes into `artifactPath`, a directory of the run's artifacts. */
  logArtifact(source: ArtifactSource, artifactPath?: string): Promise<ArtifactFile> {
    this.assertOpen();
    return uploadArtifact(this.http, this.id, source, artifactPath);
  }

  /** Uploads every file under a local directory into `artifactPath`, keeping the directory's layout. */
  logArtifacts(localDirectory: string, artifactPath?: string): Promise<ArtifactFile[]> {
    this.assertOpen();
    return uploadArtifactDirectory(this.http, this.id, localDirectory, artifactPath);
  }

  /** Sends every buffered point and resolves once the server has them all. */
  async flush(): Promise<void> {
    await this.queue.run(() => this.drain(true));
    const lost = this.lostPoints;
    if (lost) {
      this.lostPoints = undefined;
      throw lost;
    }
  }

  /**
   * Flushes, then marks the run ended with `status` at `endTime` (default now). If the flush fails the run stays
   * open and keeps its buffer, so end() can be called again; once ended, further calls return the ended run.
   */
  async end(status: RunStatus = 'FINISHED', endTime?: number): Promise<Run> {
    if (this.ended) return this.ended;
    if (!END_STATUSES.includes(status)) {
      throw new TypeError(`a run ends as ${END_STATUSES.join(', ')}; got '${status}'`);
    }
    // Concurrent calls share one ending; a failed ending is forgotten so end() can be tried again.
    this.ending ??= this.finish(status, endTime ?? Date.now()).finally(() => {
      this.ending = undefined;
    });
    return this.ending;
  }

  private async finish(status: RunStatus, endTime: number): Promise<Run> {
    await this.flush();
    const { run } = await this.queue.run(() =>
      this.http.request<{ run: WireRun }>('PATCH', apiPath`/runs/${this.id}`, {
        json: { status, endTime },
      }),
    );
    clearInterval(this.timer);
    forgetAtExit(this);
    this.ended = readRun(run);
    return this.ended;
  }

  private assertOpen(): void {
    if (this.ended) throw new Error(`Run ${this.id} has ended (${this.ended.status}); start a new run to log more.`);
    // Points logged now would arrive after the final flush and be lost.
    if (this.ending) throw new Error(`Run ${this.id} is ending; log everything before calling end().`);
  }

  private drainInBackground(everything: boolean): void {
    if (this.drainQueued || this.buffer.size === 0) return;
    this.drainQueued = true;
    this.queue
      .run(() => {
        this.drainQueued = false;
        return this.drain(everything);
      })
      .catch((error: unknown) => {
        // Undelivered points went back to the buffer and the next flush sends them; refused ones are reported.
        if (!isTransient(error)) this.lostPoints ??= error instanceof Error ? error : new Error(String(error));
      });
  }

  /** Sends full batches, and with `everything` the last partial one too. Must run inside the queue. */
  private async drain(everything: boolean): Promise<void> {
    while (this.buffer.size >= (everything ? 1 : this.buffer.batchSize)) {
      const batch = this.buffer.take();
      try {
        await this.sendBatch({ series: toSeries(batch) });
      } catch (error) {
        if (isTransient(error)) this.buffer.putBack(batch);
        throw error;
      }
    }
  }

  private async sendBatch(body: {
    series?: WireSeries[];
    params?: Record<string, string>;
    tags?: Record<string, string>;
  }): Promise<void> {
    await this.http.request('POST', apiPath`/runs/${this.id}/batch`, { json: body });
  }
}

/** Failures worth trying again later: the server was unreachable or overloaded, not unwilling. */
function isTransient(error: unknown): boolean {
  return error instanceof MnemoConnectionError || (error instanceof MnemoApiError && isRetryableStatus(error.status));
}
