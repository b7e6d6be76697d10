import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunStatus } from '../../sdk/index.js';
import { toWireNumber } from '../../sdk/wire/non-finite.js';
import {
  ARTIFACTS_DIR,
  appendRecord,
  type CaptureRecord,
  createRunDir,
  type JournalRecord,
  SPOOL_ID_TAG,
} from './journal.js';
import type { RecordedPoint, RunRecorder, RunStart } from './run-recorder.js';

/**
 * Records a run into the local spool, for `mnemo sync` to upload. Every write is appended (synchronously, so the
 * journal is whole whenever the wrapped command ends or the wrapper is killed) before the call returns.
 */
export class SpoolRecorder implements RunRecorder {
  readonly mode = 'spooled' as const;
  private artifactCount = 0;

  private constructor(
    readonly runId: string,
    readonly dir: string,
  ) {}

  /** A new spooled run; throws when the spool cannot be written, so the caller can warn and carry on without it. */
  static start(root: string, start: RunStart): SpoolRecorder {
    const spoolId = randomUUID();
    const dir = createRunDir(root, spoolId);
    const record: JournalRecord = {
      type: 'start',
      spoolId,
      trackingUri: start.trackingUri,
      experimentName: start.experimentName,
      ...(start.runName !== undefined ? { runName: start.runName } : {}),
      startTime: start.startTime,
      userId: start.userId,
      tags: { ...start.tags, [SPOOL_ID_TAG]: spoolId },
    };
    appendRecord(dir, record);
    return new SpoolRecorder(spoolId, dir);
  }

  /** The rest of a run the server has, after the server stopped answering: sync adds it to that run. */
  static continuing(root: string, runId: string, start: RunStart): SpoolRecorder {
    const spoolId = randomUUID();
    const dir = createRunDir(root, spoolId);
    appendRecord(dir, {
      type: 'start',
      spoolId,
      trackingUri: start.trackingUri,
      experimentName: start.experimentName,
      startTime: start.startTime,
      userId: start.userId,
      tags: {},
      runId,
    });
    return new SpoolRecorder(runId, dir);
  }

  childEnvironment(): Record<string, string> {
    return {};
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    if (Object.keys(tags).length > 0) appendRecord(this.dir, { type: 'tags', tags });
  }

  async logParams(params: Record<string, string>): Promise<void> {
    if (Object.keys(params).length > 0) appendRecord(this.dir, { type: 'params', params });
  }

  async logMetrics(points: RecordedPoint[]): Promise<void> {
    if (points.length === 0) return;
    appendRecord(this.dir, { type: 'metrics', points: points.map((p) => ({ ...p, value: toWireNumber(p.value) })) });
  }

  /**
   * Copies the file now (the original may change or go before the sync), under the name it will have, so the sync
   * streams it. A later copy of the same artifact path replaces the earlier one on the server.
   */
  async logArtifact(localPath: string, artifactPath: string): Promise<void> {
    const file = this.keepFile(localPath, basename(artifactPath));
    appendRecord(this.dir, { type: 'artifact', file, artifactPath });
  }

  /** Captured parts of the run, with any files they name already copied in with keepFile. */
  capture(record: CaptureRecord): void {
    appendRecord(this.dir, { type: 'capture', capture: record });
  }

  /** Copies a file into the spool (each under a folder of its own) and returns its path inside the artifacts folder. */
  keepFile(localPath: string, name = basename(localPath)): string {
    const file = join(String(++this.artifactCount), name);
    mkdirSync(dirname(join(this.dir, ARTIFACTS_DIR, file)), { recursive: true });
    copyFileSync(localPath, join(this.dir, ARTIFACTS_DIR, file));
    return file;
  }

  async end(status: RunStatus, endTime: number): Promise<void> {
    appendRecord(this.dir, { type: 'end', status, endTime });
  }
}
