import { type ActiveRun, MnemoConnectionError, type RunStatus } from '../../sdk/index.js';
import { uploadFileAs } from './artifact-file.js';
import type { RecordedPoint, RunRecorder } from './run-recorder.js';

/**
 * Records straight to the server. When the server stops answering part-way, the writes from then on go to the
 * recorder `fallback` makes (a spool continuing this run), once, so the run's end is not lost either.
 */
export class OnlineRecorder implements RunRecorder {
  readonly runId: string;
  private continued: RunRecorder | undefined;

  constructor(
    private readonly run: ActiveRun,
    private readonly trackingVariables: Record<string, string>,
    private readonly fallback: (runId: string) => RunRecorder | undefined,
  ) {
    this.runId = run.id;
  }

  get mode(): 'online' {
    return 'online';
  }

  /** The run on the server, for capture that registers more than the recorder carries (environment, data). */
  get activeRun(): ActiveRun {
    return this.run;
  }

  /** The recorder the rest of the run went to after the server went away, if it did. */
  get continuation(): RunRecorder | undefined {
    return this.continued;
  }

  childEnvironment(): Record<string, string> {
    return this.trackingVariables;
  }

  setTags(tags: Record<string, string>): Promise<void> {
    return this.write(
      () => this.run.setTags(tags),
      (r) => r.setTags(tags),
    );
  }

  logParams(params: Record<string, string>): Promise<void> {
    return this.write(
      () => this.run.logParams(params),
      (r) => r.logParams(params),
    );
  }

  logMetrics(points: RecordedPoint[]): Promise<void> {
    return this.write(
      async () => {
        for (const p of points) this.run.logMetric(p.key, p.value, p.step, p.timestamp);
        await this.run.flush();
      },
      (r) => r.logMetrics(points),
    );
  }

  logArtifact(localPath: string, artifactPath: string): Promise<void> {
    return this.write(
      () => uploadFileAs(this.run, localPath, artifactPath),
      (r) => r.logArtifact(localPath, artifactPath),
    );
  }

  end(status: RunStatus, endTime: number): Promise<void> {
    return this.write(
      async () => {
        await this.run.end(status, endTime);
      },
      (r) => r.end(status, endTime),
    );
  }

  private async write(online: () => Promise<void>, spooled: (recorder: RunRecorder) => Promise<void>): Promise<void> {
    if (!this.continued) {
      try {
        return await online();
      } catch (error) {
        if (!(error instanceof MnemoConnectionError)) throw error;
        this.continued = this.fallback(this.runId);
        if (!this.continued) throw error;
      }
    }
    await spooled(this.continued);
  }
}
