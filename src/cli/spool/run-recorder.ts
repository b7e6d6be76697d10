import type { RunStatus } from '../../sdk/index.js';

/** A metric point with the time it was logged, kept as it is however late it reaches the server. */
export interface RecordedPoint {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/**
 * Where `mnemo run` writes what it records about a run: straight to the server (online), or to the local spool for
 * `mnemo sync` to upload later (spooled), or nowhere when neither works (unrecorded, after a warning). Capture code
 * writes through this interface only, so it never has to know whether the server is there.
 */
export interface RunRecorder {
  readonly mode: 'online' | 'spooled' | 'unrecorded';
  /** The server's run id (online) or the spool's id for the run (spooled); what `mnemo run` reports. */
  readonly runId: string;
  /** Variables that let the wrapped command log to the run with its own client; empty when there is no server run. */
  childEnvironment(): Record<string, string>;
  setTags(tags: Record<string, string>): Promise<void>;
  logParams(params: Record<string, string>): Promise<void>;
  logMetrics(points: RecordedPoint[]): Promise<void>;
  /** A file to keep under the run's artifacts at `artifactPath` (a file path, e.g. `logs/stdout.txt`). */
  logArtifact(localPath: string, artifactPath: string): Promise<void>;
  end(status: RunStatus, endTime: number): Promise<void>;
}

/** What a run starts with, whichever recorder takes it. */
export interface RunStart {
  trackingUri: string;
  experimentName: string;
  runName?: string;
  startTime: number;
  tags: Record<string, string>;
  userId: string;
}
