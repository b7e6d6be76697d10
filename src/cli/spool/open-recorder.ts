import { type Mnemo, MnemoConnectionError } from '../../sdk/index.js';
import { spoolRoot } from './journal.js';
import { OnlineRecorder } from './online-recorder.js';
import type { RunRecorder, RunStart } from './run-recorder.js';
import { SpoolRecorder } from './spool-recorder.js';
import { UnrecordedRecorder } from './unrecorded-recorder.js';

/**
 * Starts the run on the server, or, when the server cannot be reached, in the local spool; when the spool cannot be
 * written either, warns and records nothing, so the command still runs. Says on stderr which happened. A server
 * that answers with a refusal or an error is not "unreachable": that error is thrown as it is.
 */
export async function openRecorder(
  mnemo: Mnemo,
  start: RunStart,
  trackingVariables: (run: { id: string; experimentId: string }) => Record<string, string>,
): Promise<RunRecorder> {
  const root = spoolRoot();
  try {
    const run = await mnemo.startRun({
      experimentName: start.experimentName,
      ...(start.runName !== undefined ? { runName: start.runName } : {}),
      tags: start.tags,
      startTime: start.startTime,
      userId: start.userId,
    });
    console.error(`mnemo: run ${run.id} in experiment '${start.experimentName}' on ${mnemo.url}`);
    return new OnlineRecorder(run, trackingVariables(run), (runId) => {
      const spool = spoolOrWarn(() => SpoolRecorder.continuing(root, runId, start), root);
      if (spool) {
        console.error(
          `mnemo: lost the server at ${mnemo.url}; the rest of run ${runId} is spooled in ${spool.dir}. ` +
            'Upload it with `mnemo sync` when the server is back.',
        );
      }
      return spool;
    });
  } catch (error) {
    if (!(error instanceof MnemoConnectionError)) throw error;
  }
  const spool = spoolOrWarn(() => SpoolRecorder.start(root, start), root);
  if (!spool) return new UnrecordedRecorder();
  console.error(
    `mnemo: could not reach a Mnemo server at ${mnemo.url}; the run is spooled as ${spool.runId} in ${spool.dir}. ` +
      'The command runs without MLFLOW_RUN_ID; upload the run with `mnemo sync` when the server is back.',
  );
  return spool;
}

function spoolOrWarn(open: () => SpoolRecorder, root: string): SpoolRecorder | undefined {
  try {
    return open();
  } catch (error) {
    console.error(
      `mnemo: warning: could not write the spool at ${root} (${error instanceof Error ? error.message : String(error)}); ` +
        'the command runs, but this run is not recorded. Set MNEMO_SPOOL_DIR to a writable directory.',
    );
    return undefined;
  }
}
