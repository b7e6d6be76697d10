import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { MnemoError } from '../domain/errors.js';
import { DEFAULT_RETENTION, parseRetention } from '../domain/retention/retention-period.js';
import {
  type CollectedItem,
  type CollectionReport,
  GarbageCollector,
} from '../services/operations/garbage-collector.js';
import { AuditLog } from '../services/provenance/audit-log.js';
import { runWithContext } from '../services/request-context.js';
import { SearchIndexer } from '../services/search/search-indexer.js';
import { UnitOfWork } from '../services/unit-of-work.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { openExistingStore, StoreUnavailableError } from '../store/open-existing-store.js';
import type { CommandResult } from './audit-command.js';
import { EXIT } from './failure.js';
import { envOption } from './options.js';
import { formatTime, printTable } from './output.js';

export interface GcOptions {
  backendStoreUri: string;
  artifactsDestination: string;
  olderThan: string;
  runIds?: string | undefined;
  experimentIds?: string | undefined;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
}

const failure = (message: string): CommandResult => ({ code: EXIT.error, stdout: '', stderr: `mnemo: ${message}\n` });

/** Comma-separated ids, as `mlflow gc --run-ids a,b` takes them. */
const idList = (text: string | undefined): string[] | undefined =>
  text === undefined
    ? undefined
    : text
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '');

/** `mnemo gc`, returning what it prints so it can be driven in-process as well as from a shell. */
export async function garbageCollect(options: GcOptions): Promise<CommandResult> {
  let retentionMs: number;
  try {
    retentionMs = parseRetention(options.olderThan);
  } catch (error) {
    if (error instanceof MnemoError) return failure(error.message);
    throw error;
  }
  const destination = options.artifactsDestination;
  // A mistyped folder would make every artifact removal a silent no-op and leave the files behind.
  if (!/^s3:\/\//i.test(destination) && !existsSync(destination.replace(/^file:\/\//, ''))) {
    return failure(`no artifact store at '${destination}': give the server's --artifacts-destination`);
  }
  let store: Awaited<ReturnType<typeof openExistingStore>>;
  try {
    store = await openExistingStore(options.backendStoreUri, { readOnly: options.dryRun === true });
  } catch (error) {
    if (error instanceof StoreUnavailableError) return failure(error.message);
    throw error;
  }
  let report: CollectionReport;
  try {
    const collector = new GarbageCollector({
      store,
      unitOfWork: new UnitOfWork(store, new AuditLog(store.dialect), new SearchIndexer()),
      artifacts: openArtifactStore(destination),
      now: Date.now,
    });
    report = await runWithContext({ actor: 'mnemo-gc', requestId: `gc-${Date.now()}` }, () =>
      collector.collect({
        retentionMs,
        dryRun: options.dryRun === true,
        scope: { runIds: idList(options.runIds), experimentIds: idList(options.experimentIds) },
      }),
    );
  } finally {
    await store.close();
  }
  const artifactErrors = report.items.filter((item) => item.artifactError !== undefined);
  const stderr = artifactErrors
    .map((item) => `mnemo: ${item.type} ${item.id} was purged but its artifacts remain: ${item.artifactError}\n`)
    .join('');
  const code = artifactErrors.length > 0 ? EXIT.error : EXIT.ok;
  if (options.json) return { code, stdout: `${JSON.stringify(report, null, 2)}\n`, stderr };
  return { code, stdout: describe(report), stderr };
}

const OUTCOME: Record<CollectedItem['outcome'], string> = {
  purged: 'purged',
  would_purge: 'would purge',
  kept: 'kept',
};

function describe(report: CollectionReport): string {
  const lines: string[] = [];
  const going = report.items.filter((item) => item.outcome !== 'kept').length;
  const kept = report.items.length - going;
  const cutoff = formatTime(report.cutoff);
  if (report.items.length === 0) return `Nothing deleted at or before ${cutoff} to remove.\n`;
  printTable(
    ['TYPE', 'ID', 'NAME', 'DELETED', 'OUTCOME', 'REASON'],
    report.items.map((item) => [
      item.type,
      item.id,
      item.label ?? '',
      formatTime(item.deletedTime),
      OUTCOME[item.outcome],
      item.reason ?? '',
    ]),
    (line) => lines.push(line),
  );
  lines.push(
    report.dryRun
      ? `Dry run: ${going} would be removed, ${kept} kept (deleted at or before ${cutoff} is eligible); nothing was changed.`
      : `${going} removed, ${kept} kept (deleted at or before ${cutoff} was eligible).`,
  );
  return `${lines.join('\n')}\n`;
}

function emit(result: CommandResult): void {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

/** `mnemo gc`: removes for good what was deleted longer ago than the retention period, as `mlflow gc` does. */
export function gcCommand(): Command {
  return new Command('gc')
    .description(
      'Permanently remove experiments, runs and model versions deleted longer ago than the retention period, with ' +
        'their artifacts; each removal is recorded in the audit log. Kept: what is on legal hold (tag ' +
        'mnemo.legal_hold on the experiment, run or registered model) and runs that live model versions came from',
    )
    .addOption(
      envOption(
        '--backend-store-uri <uri>',
        'SQLite file path, sqlite:///path or postgresql://…',
        './mnemo-data/mnemo.db',
      ),
    )
    .addOption(
      envOption(
        '--artifacts-destination <uri>',
        'the artifact store: a folder or s3://bucket/prefix',
        './mnemo-data/artifacts',
      ),
    )
    .option(
      '--older-than <period>',
      'retention: remove what was deleted longer ago (30d, 12h, 2w; 0 = all)',
      DEFAULT_RETENTION,
    )
    .option('--run-ids <ids>', 'only these deleted runs (comma-separated)')
    .option('--experiment-ids <ids>', 'only these deleted experiments and their runs (comma-separated)')
    .option('--dry-run', 'list what would be removed and change nothing')
    .option('--json', 'print the report as JSON')
    .action(async (options: GcOptions) => emit(await garbageCollect(options)));
}
