import { join } from 'node:path';
import type { CaptureRecorder } from '../capture/capture-recorder.js';
import { ARTIFACTS_DIR, type CaptureRecord } from './journal.js';

/** Records a spooled capture part on the server run, reading the files it names from the spool. */
export async function replayCapture(capture: CaptureRecorder, record: CaptureRecord, runDir: string): Promise<void> {
  const kept = (file: string) => join(runDir, ARTIFACTS_DIR, file);
  switch (record.part) {
    case 'code': {
      const { diff } = record.code;
      return capture.code({ ...record.code, diff: diff && { ...diff, path: kept(diff.path) } });
    }
    case 'environment': {
      const lockfiles = record.environment.lockfiles.map((l) => ({ ...l, absolutePath: kept(l.absolutePath) }));
      return capture.environment({ ...record.environment, lockfiles }, record.gpus ?? undefined);
    }
    case 'data':
      return capture.hashedData(record.item, record.digest);
    case 'resources':
      return capture.resources(record.usage);
  }
}
