import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { uploadArtifact } from '../../sdk/artifact-upload.js';
import { HttpClient } from '../../sdk/http-client.js';
import { LineageClient, Mnemo, MnemoApiError, MnemoConnectionError } from '../../sdk/index.js';
import { retryFromEnvironment } from '../../sdk/retry-policy.js';
import { apiPath } from '../../sdk/url-path.js';
import type { WireRun } from '../../sdk/wire/shapes.js';
import { CaptureRecorder, type CaptureTarget } from '../capture/capture-recorder.js';
import { linkDerivedRun, REPRODUCED_FROM_TAG } from '../reproduce/derived-link.js';
import { replayCapture } from './capture-replay.js';
import { ARTIFACTS_DIR, type JournalRecord, readJournal, SPOOL_ID_TAG } from './journal.js';
import { lockRunDir } from './sync-lock.js';
import { readProgress, writeProgress } from './sync-progress.js';

/** The server takes at most this many params or tags, and this many metric points, in one batch. */
const MAX_KEYS_PER_BATCH = 1000;
const MAX_POINTS_PER_BATCH = 10_000;

export type SyncResult =
  | { outcome: 'synced'; spoolId: string; runId: string; records: number }
  | { outcome: 'in-progress'; spoolId: string; runId: string; records: number }
  | { outcome: 'busy'; spoolId: string; heldBy: number };

export interface SyncOptions {
  /** The server to upload to; each run's own recorded server when not given. */
  trackingUri?: string;
  token?: string;
  /** Where a captured part the server refuses (say, lineage the caller may not register) is reported. */
  warn?: (message: string) => void;
}

/**
 * Uploads one spooled run exactly once, however often it is called or cut short: the run is created with a tag
 * holding its spool id (and found by that tag when an earlier attempt created it but did not live to note it), and
 * records are applied in order from the progress noted beside the journal. Original times are kept: the run's start
 * and end, and each metric point's timestamp. A run whose journal is complete (it ended) is removed from the spool.
 */
export async function syncSpooledRun(runDir: string, options: SyncOptions): Promise<SyncResult> {
  const records = readJournal(runDir);
  const start = records[0];
  if (start?.type !== 'start') throw new Error(`${join(runDir, 'journal.jsonl')} does not begin with the run's start`);
  const lock = lockRunDir(runDir);
  if (typeof lock !== 'function') return { outcome: 'busy', spoolId: start.spoolId, heldBy: lock.heldBy };
  try {
    const url = options.trackingUri ?? start.trackingUri;
    const http = new HttpClient({ url, token: options.token, retry: retryFromEnvironment(), fetch: globalThis.fetch });
    const progress = readProgress(runDir);
    if (progress.runId === undefined) {
      progress.runId = start.runId ?? (await createRun(new Mnemo({ url, token: options.token }), http, start));
      progress.applied = 1;
      writeProgress(runDir, progress);
    }
    const runId = progress.runId;
    const warn = options.warn ?? ((message: string) => console.error(`mnemo: ${message}`));
    const capture = new CaptureRecorder(
      serverRun(http, runId),
      new LineageClient(url, globalThis.fetch, options.token),
      warn,
      worthRetrying,
    );
    for (let i = Math.max(progress.applied, 1); i < records.length; i++) {
      await apply(http, runId, runDir, records[i]!, capture);
      progress.applied = i + 1;
      writeProgress(runDir, progress);
    }
    const ended = records.at(-1)?.type === 'end';
    const origin = start.tags[REPRODUCED_FROM_TAG];
    if (ended && origin !== undefined) await linkReproduction(http, runId, origin, warn);
    if (ended) rmSync(runDir, { recursive: true, force: true });
    return { outcome: ended ? 'synced' : 'in-progress', spoolId: start.spoolId, runId, records: records.length };
  } finally {
    lock();
  }
}

type StartRecord = Extract<JournalRecord, { type: 'start' }>;

/** The run on the server: the one an earlier sync made (found by its spool id tag), or a new one. */
async function createRun(mnemo: Mnemo, http: HttpClient, start: StartRecord): Promise<string> {
  const experiment = await mnemo.getOrCreateExperiment(start.experimentName);
  const find = async () => {
    const page = await mnemo.searchRuns({
      experimentIds: [experiment.experimentId],
      filter: `tags.${SPOOL_ID_TAG} = '${start.spoolId}'`,
      viewType: 'ALL',
      maxResults: 1,
    });
    return page.runs[0]?.runId;
  };
  const existing = await find();
  if (existing !== undefined) return existing;
  const { run } = await http.request<{ run: WireRun }>('POST', '/runs', {
    json: {
      experimentId: experiment.experimentId,
      userId: start.userId,
      startTime: start.startTime,
      tags: start.tags,
      ...(start.runName !== undefined ? { runName: start.runName } : {}),
    },
    recover: async () => {
      const runId = await find();
      return runId === undefined ? undefined : { run: { runId } as WireRun };
    },
  });
  return run.runId;
}

/** The uploaded run as capture writes to it. */
function serverRun(http: HttpClient, runId: string): CaptureTarget {
  return {
    id: runId,
    logArtifact: (source, artifactPath) => uploadArtifact(http, runId, source, artifactPath),
    setTags: async (tags) => {
      await http.request('POST', apiPath`/runs/${runId}/batch`, { json: { tags } });
    },
  };
}

/**
 * A captured part that failed for want of the server is tried again by the next sync; one the server refused is
 * reported and passed over, or the run's end would never reach the server.
 */
/**
 * A run `mnemo reproduce --exec` made without a server is linked to the run it re-ran once it is uploaded, as it
 * would have been at once. A refusal is reported and passed over like any captured part; an outage is retried.
 */
async function linkReproduction(http: HttpClient, runId: string, originRunId: string, warn: (m: string) => void) {
  try {
    await linkDerivedRun(http, runId, originRunId);
  } catch (error) {
    if (worthRetrying(error)) throw error;
    warn(`could not link run ${runId} derived_from run ${originRunId}: ${(error as Error).message}`);
  }
}

function worthRetrying(error: unknown): boolean {
  if (error instanceof MnemoConnectionError) return true;
  return error instanceof MnemoApiError && (error.status >= 500 || error.status === 429 || error.status === 408);
}

async function apply(
  http: HttpClient,
  runId: string,
  runDir: string,
  record: JournalRecord,
  capture: CaptureRecorder,
): Promise<void> {
  const batch = (json: unknown) => http.request('POST', apiPath`/runs/${runId}/batch`, { json });
  switch (record.type) {
    case 'start':
      return;
    case 'tags':
      for (const chunk of chunks(Object.entries(record.tags), MAX_KEYS_PER_BATCH)) {
        await batch({ tags: Object.fromEntries(chunk) });
      }
      return;
    case 'params':
      for (const chunk of chunks(Object.entries(record.params), MAX_KEYS_PER_BATCH)) {
        await batch({ params: Object.fromEntries(chunk) });
      }
      return;
    case 'metrics':
      for (const chunk of chunks(record.points, MAX_POINTS_PER_BATCH)) await batch({ metrics: chunk });
      return;
    case 'artifact': {
      const directory = record.artifactPath.includes('/')
        ? record.artifactPath.slice(0, record.artifactPath.lastIndexOf('/'))
        : '';
      await uploadArtifact(http, runId, join(runDir, ARTIFACTS_DIR, record.file), directory);
      return;
    }
    case 'capture':
      return replayCapture(capture, record.capture, runDir);
    case 'end':
      await http.request('PATCH', apiPath`/runs/${runId}`, {
        json: { status: record.status, endTime: record.endTime },
      });
      return;
  }
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
