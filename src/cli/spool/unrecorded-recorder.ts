import type { RunRecorder } from './run-recorder.js';

/** Neither the server nor the spool would take the run: the command still runs, and nothing is kept (as warned). */
export class UnrecordedRecorder implements RunRecorder {
  readonly mode = 'unrecorded' as const;
  readonly runId = '';
  childEnvironment(): Record<string, string> {
    return {};
  }
  async setTags(): Promise<void> {}
  async logParams(): Promise<void> {}
  async logMetrics(): Promise<void> {}
  async logArtifact(): Promise<void> {}
  async end(): Promise<void> {}
}
