import type { ActiveRun } from '../active-run.js';
import { MnemoApiError } from '../errors.js';
import type { HttpClient } from '../http-client.js';
import type { RunCapture } from './run-capture.js';

const SKIPPED_TAG = 'mnemo.capture.skipped';

/**
 * Stores what was captured beside the run: the environment as a content-addressed entity that the run depends on
 * (tag `mnemo.environment.id`), and the uncommitted diff as `code/diff.patch`. A refusal by the server (registering
 * environments needs the edit role on the server) is named in a tag; the run goes on without that part.
 */
export async function recordCapture(http: HttpClient, run: ActiveRun, capture: RunCapture): Promise<void> {
  const skipped: string[] = [];
  try {
    const registered = await http.request<{ id: string; nodeId: string }>('POST', '/lineage/environments', {
      json: capture.environment,
    });
    await run.setTags({ 'mnemo.environment.id': registered.id });
    await http.request('POST', '/lineage/edges', {
      json: { from: registered.nodeId, to: `run:${run.id}`, type: 'depends_on', runId: run.id },
    });
  } catch (error) {
    if (!(error instanceof MnemoApiError && error.status < 500)) throw error;
    skipped.push(`environment: ${error.message}`);
  }
  if (capture.diffFile !== undefined) await run.logArtifact(capture.diffFile, 'code');
  if (skipped.length > 0) await run.setTags({ [SKIPPED_TAG]: skipped.join('; ').slice(0, 5000) });
}
