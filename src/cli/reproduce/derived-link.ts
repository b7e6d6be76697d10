import type { HttpClient } from '../../sdk/http-client.js';

/** Tag of a run made by `mnemo reproduce --exec`, naming the run it reproduces. */
export const REPRODUCED_FROM_TAG = 'mnemo.reproducedFrom';

/**
 * Links a run made by re-running another to the original in lineage (derived_from, through the run, so writing to
 * the new run and reading the original is all it takes). Linking twice leaves one edge, so a retried sync may call
 * it again.
 */
export async function linkDerivedRun(http: HttpClient, runId: string, originRunId: string): Promise<void> {
  await http.request('POST', `/runs/${encodeURIComponent(runId)}/derived-from`, { json: { originRunId } });
}
