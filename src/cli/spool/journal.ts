import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RunStatus } from '../../sdk/index.js';
import type { WireNumber } from '../../sdk/wire/non-finite.js';
import type { CodeState } from '../capture/code-capture.js';
import type { DataItem } from '../capture/data-capture.js';
import type { CapturedEnvironment } from '../capture/environment-capture.js';
import type { GpuInfo } from '../capture/gpu.js';
import type { ResourceUsage } from '../capture/resource-monitor.js';

/**
 * The spool: one directory per run recorded without a server, holding `journal.jsonl` (one record a line, appended
 * as the run goes, so a crash loses at most the line being written) and the files the run keeps as artifacts.
 * `mnemo sync` replays journals in order and notes its progress beside each (see sync-progress.ts).
 */
export const JOURNAL_FILE = 'journal.jsonl';
export const ARTIFACTS_DIR = 'artifacts';

/** Tag naming the spooled run on the server, so a sync run again finds the run an earlier one created. */
export const SPOOL_ID_TAG = 'mnemo.spool.id';

export type JournalRecord =
  | {
      type: 'start';
      spoolId: string;
      trackingUri: string;
      experimentName: string;
      runName?: string;
      startTime: number;
      userId: string;
      tags: Record<string, string>;
      /** Set when the run already exists on the server and only its later records were spooled. */
      runId?: string;
    }
  | { type: 'tags'; tags: Record<string, string> }
  | { type: 'params'; params: Record<string, string> }
  | { type: 'metrics'; points: { key: string; value: WireNumber; step: number; timestamp: number }[] }
  | { type: 'artifact'; file: string; artifactPath: string }
  | { type: 'capture'; capture: CaptureRecord }
  | { type: 'end'; status: RunStatus; endTime: number };

/**
 * A part of what `mnemo run` captured, kept whole so `mnemo sync` records it as a connected run would have: files it
 * names (the code diff, lockfiles) are copies in the spool, at paths relative to the run's directory; data was hashed
 * when the command ran, so what is linked is what the command read or wrote.
 */
export type CaptureRecord =
  | { part: 'code'; code: CodeState }
  | { part: 'environment'; environment: CapturedEnvironment; gpus: GpuInfo[] | null }
  | { part: 'data'; item: DataItem; digest: string }
  | { part: 'resources'; usage: ResourceUsage };

/** `MNEMO_SPOOL_DIR`, else `~/.mnemo/spool`. */
export function spoolRoot(): string {
  return process.env.MNEMO_SPOOL_DIR || join(homedir(), '.mnemo', 'spool');
}

export function appendRecord(runDir: string, record: JournalRecord): void {
  appendFileSync(join(runDir, JOURNAL_FILE), `${JSON.stringify(record)}\n`);
}

export function createRunDir(root: string, spoolId: string): string {
  const dir = join(root, spoolId);
  mkdirSync(join(dir, ARTIFACTS_DIR), { recursive: true });
  return dir;
}

/**
 * The complete records of a journal in order. A last line without its newline was cut short by a crash while it was
 * written: it is not a record yet.
 */
export function readJournal(runDir: string): JournalRecord[] {
  const text = readFileSync(join(runDir, JOURNAL_FILE), 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JournalRecord);
}

/** Spooled runs waiting in `root`, oldest first. */
export function spooledRuns(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .map((name) => join(root, name))
    .filter((dir) => {
      try {
        return statSync(join(dir, JOURNAL_FILE)).isFile();
      } catch {
        return false;
      }
    })
    .sort((a, b) => statSync(join(a, JOURNAL_FILE)).birthtimeMs - statSync(join(b, JOURNAL_FILE)).birthtimeMs);
}
