import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How far `mnemo sync` got with one spooled run: the server's run id once the run exists there, and how many journal
 * records have been applied. Written (atomically, by rename) after each record, so a sync cut short resumes where it
 * stopped; a record applied whose progress was not yet written is applied again, which every record allows (tags
 * and params are set to the same values, identical metric points are stored once, artifacts are replaced).
 */
export interface SyncProgress {
  runId?: string;
  applied: number;
}

const PROGRESS_FILE = 'sync-progress.json';

export function readProgress(runDir: string): SyncProgress {
  try {
    return JSON.parse(readFileSync(join(runDir, PROGRESS_FILE), 'utf8')) as SyncProgress;
  } catch {
    return { applied: 0 };
  }
}

export function writeProgress(runDir: string, progress: SyncProgress): void {
  const file = join(runDir, PROGRESS_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(progress));
  renameSync(`${file}.tmp`, file);
}
