import { Command, Option } from 'commander';
import { EXIT } from './failure.js';
import { clientToken } from './options.js';
import { spooledRuns, spoolRoot } from './spool/journal.js';
import { syncSpooledRun } from './spool/spool-sync.js';

interface SyncOptions {
  trackingUri?: string;
}

/** `mnemo sync`: uploads the runs `mnemo run` spooled while the server could not be reached. */
export function syncCommand(): Command {
  return new Command('sync')
    .description(
      'Upload the runs spooled while the server could not be reached (MNEMO_SPOOL_DIR, default ~/.mnemo/spool), ' +
        'each exactly once, with their original times; safe to run again after an interruption',
    )
    .addOption(
      new Option('--tracking-uri <uri>', 'server to upload to (default: the one each run was meant for)').env(
        'MNEMO_TRACKING_URI',
      ),
    )
    .action(async (options: SyncOptions) => {
      process.exitCode = await sync(options);
    });
}

async function sync(options: SyncOptions): Promise<number> {
  const root = spoolRoot();
  const runs = spooledRuns(root);
  if (runs.length === 0) {
    console.log(`Nothing to sync in ${root}.`);
    return EXIT.ok;
  }
  let failed = 0;
  for (const dir of runs) {
    try {
      const result = await syncSpooledRun(dir, {
        ...(options.trackingUri ? { trackingUri: options.trackingUri } : {}),
        token: clientToken(),
      });
      if (result.outcome === 'busy') {
        console.log(`${result.spoolId}: skipped, another mnemo sync (pid ${result.heldBy}) is uploading it`);
      } else if (result.outcome === 'in-progress') {
        console.log(`${result.spoolId}: uploaded so far to run ${result.runId}; the run has not ended yet`);
      } else {
        console.log(`${result.spoolId}: synced as run ${result.runId} (${result.records} records)`);
      }
    } catch (error) {
      failed++;
      console.error(`mnemo: could not sync ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failed > 0) {
    console.error(`mnemo: ${failed} spooled run(s) not synced; run \`mnemo sync\` again once the cause is fixed.`);
    return EXIT.error;
  }
  return EXIT.ok;
}
