import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { datasetLabel } from '../domain/lineage/dataset-version.js';
import { LineageQueryService } from '../services/lineage/lineage-query-service.js';
import { LineageService } from '../services/lineage/lineage-service.js';
import { type ReconcileProgress, ReconcileService, type VersionCheck } from '../services/lineage/reconcile-service.js';
import { AuditLog } from '../services/provenance/audit-log.js';
import { runWithContext } from '../services/request-context.js';
import { SearchIndexer } from '../services/search/search-indexer.js';
import { UnitOfWork } from '../services/unit-of-work.js';
import { openExistingStore } from '../store/open-existing-store.js';
import { envOption } from './options.js';

type Options = { backendStoreUri: string; compareOpenlineage?: string; recordDrift: boolean; json?: boolean };

/**
 * `mnemo reconcile`: re-reads every registered dataset version at its location, straight from the backend store,
 * records drift on the versions that changed or vanished, and optionally compares the datasets with another
 * catalog's OpenLineage export.
 */
export function reconcileCommand(): Command {
  return new Command('reconcile')
    .description('Check registered datasets against the data where it lives, and against another catalog')
    .addOption(
      envOption(
        '--backend-store-uri <uri>',
        'SQLite file path, sqlite:///path or postgresql://…',
        './mnemo-data/mnemo.db',
      ),
    )
    .option('--compare-openlineage <file>', "another catalog's OpenLineage events, one JSON object per line")
    .option('--no-record-drift', 'report drift without recording it on the dataset versions')
    .option('--json', 'print the report as JSON')
    .action(async (options: Options) => {
      const store = await openExistingStore(options.backendStoreUri, { readOnly: !options.recordDrift });
      try {
        const deps = {
          store,
          unitOfWork: new UnitOfWork(store, new AuditLog(store.dialect), new SearchIndexer()),
          now: Date.now,
        };
        const queries = new LineageQueryService(deps);
        const service = new ReconcileService(deps, new LineageService(deps), queries);
        const progress = options.json ? undefined : progressPrinter();
        const data = await runWithContext({ actor: 'mnemo-reconcile', requestId: `reconcile-${Date.now()}` }, () =>
          service.reconcileData({ recordDrift: options.recordDrift, onProgress: progress }),
        );
        process.stderr.write('\n');
        const catalog = options.compareOpenlineage
          ? await service.compareCatalog(createInterface({ input: createReadStream(options.compareOpenlineage) }))
          : undefined;
        if (options.json) {
          console.log(JSON.stringify({ data, ...(catalog ? { catalog } : {}) }, null, 2));
          return;
        }
        printData(data, options.recordDrift);
        if (catalog) printCatalog(catalog);
      } finally {
        await store.close();
      }
    });
}

function progressPrinter(): (p: ReconcileProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === 'hash' && p.file.bytesDone < p.file.bytesTotal && now - last < 200) return;
    last = now;
    const detail =
      p.phase === 'hash'
        ? `hashing ${p.file.path} ${mb(p.file.bytesDone)}/${mb(p.file.bytesTotal)}`
        : `checking ${p.uri}`;
    process.stderr.write(`\r[${p.index + 1}/${p.total}] ${detail}`.padEnd(100).slice(0, 160));
  };
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

function printData(data: Awaited<ReturnType<ReconcileService['reconcileData']>>, recorded: boolean): void {
  console.log(
    `Checked ${data.checked} dataset versions: ${data.unchanged.length} unchanged, ${data.modified.length} modified, ${data.missing.length} missing, ${data.unverifiable.length} without a sha256 to compare.`,
  );
  const list = (title: string, checks: VersionCheck[]) => {
    if (checks.length === 0) return;
    console.log(`\n${title}:`);
    for (const c of checks) {
      console.log(`  ${c.dataset}  ${c.uri}`);
      if (c.observedDigest && c.recordedDigest)
        console.log(`    registered ${c.recordedDigest}\n    now        ${c.observedDigest}`);
      if (c.affectedModelVersions.length > 0)
        console.log(`    model versions trained on it: ${c.affectedModelVersions.join(', ')}`);
    }
  };
  list('Modified', data.modified);
  list('Missing', data.missing);
  list('Present but registered without a sha256 digest', data.unverifiable);
  if (data.unregistered.length > 0) {
    console.log('\nUnregistered files next to registered data:');
    for (const path of data.unregistered) console.log(`  ${path}`);
  }
  if (data.skipped.length > 0) {
    console.log('\nNot checked:');
    for (const s of data.skipped) console.log(`  ${s.uri}: ${s.reason}`);
  }
  if (data.modified.length + data.missing.length > 0) {
    console.log(
      recorded ? '\nDrift was recorded on the dataset versions.' : '\nDrift was not recorded (--no-record-drift).',
    );
  }
}

function printCatalog(catalog: Awaited<ReturnType<ReconcileService['compareCatalog']>>): void {
  console.log(`\nCompared with the other catalog: ${catalog.matching} datasets match.`);
  for (const d of catalog.onlyInMnemo) console.log(`  only in Mnemo:   ${datasetLabel(d.namespace, d.name)}`);
  for (const d of catalog.onlyInCatalog) console.log(`  only in catalog: ${datasetLabel(d.namespace, d.name)}`);
  for (const d of catalog.schemaDiffers) {
    const parts = [
      d.added.length ? `catalog adds ${d.added.join(', ')}` : '',
      d.removed.length ? `catalog lacks ${d.removed.join(', ')}` : '',
      ...d.retyped.map((r) => `${r.column}: ${r.mnemo} here, ${r.catalog} there`),
    ].filter(Boolean);
    console.log(`  schema differs:  ${datasetLabel(d.namespace, d.name)} (${parts.join('; ')})`);
  }
  if (catalog.badLines.length > 0)
    console.log(`  lines that are not OpenLineage events: ${catalog.badLines.join(', ')}`);
}
