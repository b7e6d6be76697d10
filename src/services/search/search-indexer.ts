import type { AuditRecord } from '../../domain/provenance/audit-events/catalog.js';
import { DISCOVERY_TYPES, type DiscoveryType } from '../../domain/search/discovery-filters.js';
import { documentId, facetValue, indexedNumbers, indexRows } from '../../domain/search/search-document.js';
import { loadDocumentFacts } from '../../store/search/document-sources.js';
import {
  featureOfVersion,
  type IndexRows,
  refreshRunMetricNumbers,
  removeDocument,
  replaceDocument,
  replaceDocuments,
  runMetricsIndexFacts,
  syncNumbers,
  unindexedEntities,
  versionEntityIdsOfModel,
  versionEntityIdsOfRun,
  versionIdsOfDataset,
} from '../../store/search/search-index-repository.js';
import type { Executor } from '../../store/store.js';

type Target = readonly [DiscoveryType, string];

/**
 * Keeps the discovery index current. The unit of work hands it every write's audit records inside the write's
 * transaction, so each change is indexed with it or not at all, and no write path can forget to: the audit record
 * already names every entity a write changed. Each named entity (and the documents that show part of it, such as a
 * model's versions) is read back and its document rewritten; an entity gone or deleted loses its document.
 */
export class SearchIndexer {
  async indexWrite(db: Executor, records: readonly AuditRecord[]): Promise<void> {
    const targets = new Map<string, Target>();
    const add = (type: DiscoveryType, id: string) => targets.set(documentId(type, id), [type, id]);
    const metricsOnly = new Set<string>();
    for (const record of records) {
      if (isMetricsOnlyBatch(record)) metricsOnly.add(record.entityId);
      else await this.affected(db, record.entityKind, record.entityId, record.state, add, record.action);
    }
    for (const runId of metricsOnly) {
      if (targets.has(documentId('run', runId))) continue;
      if (!(await this.refreshRunMetrics(db, runId))) await this.affected(db, 'run', runId, undefined, add, undefined);
    }
    for (const [type, id] of targets.values()) await this.reindex(db, type, id);
  }

  /**
   * After a batch of metrics only (what a training loop sends many times a second) a run's document changes only in
   * its metric values, unless the batch brought a metric key the document does not name yet or a model version shows
   * the run's metrics too: then it is false and the run is reindexed whole. Half the statements of a reindex.
   */
  private async refreshRunMetrics(db: Executor, runId: string): Promise<boolean> {
    const docId = documentId('run', runId);
    const refreshed = await refreshRunMetricNumbers(db, runId, docId);
    if (refreshed !== undefined) return refreshed;
    const { hasVersions, latest, indexedKeys, numbers } = await runMetricsIndexFacts(db, runId, docId);
    if (hasVersions) return false;
    const keys = new Set(latest.map((m) => facetValue(m.key)));
    if (keys.size !== indexedKeys.size || [...keys].some((key) => !indexedKeys.has(key))) return false;
    await syncNumbers(
      db,
      docId,
      indexedNumbers(
        docId,
        latest.map((m) => [m.key, m.value]),
      ),
      numbers,
    );
    return true;
  }

  async reindex(db: Executor, type: DiscoveryType, id: string): Promise<void> {
    const facts = await loadDocumentFacts(db, type, id);
    if (facts) await replaceDocument(db, indexRows(facts));
    else await removeDocument(db, documentId(type, id));
  }

  /**
   * Indexes up to `batch` entities of each type that have no document yet; how many it indexed. Called at start-up
   * until it returns 0, one transaction per call.
   */
  async backfill(db: Executor, batch: number): Promise<number> {
    let indexed = 0;
    for (const type of DISCOVERY_TYPES) {
      const rows: IndexRows[] = [];
      for (const id of await unindexedEntities(db, type, batch)) {
        const facts = await loadDocumentFacts(db, type, id);
        if (facts) rows.push(indexRows(facts));
      }
      await replaceDocuments(db, rows);
      indexed += rows.length;
    }
    return indexed;
  }

  private async affected(
    db: Executor,
    kind: string,
    id: string,
    state: unknown,
    add: (type: DiscoveryType, id: string) => void,
    action: string | undefined,
  ): Promise<void> {
    switch (kind) {
      case 'experiment':
        return add('experiment', id);
      case 'run':
        add('run', id);
        // A version names an existing run, so a run being created has none yet: no need to look.
        if (action === 'run.create') return;
        for (const version of await versionEntityIdsOfRun(db, id)) add('model_version', version);
        return;
      case 'registered_model':
        add('model', id);
        for (const version of await versionEntityIdsOfModel(db, id)) add('model_version', version);
        return;
      case 'model_version':
        add('model_version', id);
        add('model', id.slice(0, id.lastIndexOf('/')));
        return;
      case 'dataset':
        add('dataset', id);
        for (const version of await versionIdsOfDataset(db, id)) add('dataset_version', version);
        return;
      case 'dataset_version':
        return add('dataset_version', id);
      case 'feature':
        return add('feature', id);
      case 'feature_version': {
        const feature = await featureOfVersion(db, id);
        if (feature) add('feature', feature);
        return;
      }
      case 'deployment':
        return add('deployment', id);
      case 'lineage_edge': {
        const edge = state as { from?: unknown; to?: unknown };
        for (const node of [edge.from, edge.to]) {
          if (typeof node !== 'string') continue;
          if (node.startsWith('run:')) await this.affected(db, 'run', node.slice(4), undefined, add, undefined);
          if (node.startsWith('deployment:')) add('deployment', node.slice('deployment:'.length));
        }
        return;
      }
    }
  }
}

/** A run.log_batch record that logged metrics and no params or tags. */
function isMetricsOnlyBatch(record: AuditRecord): boolean {
  if (record.action !== 'run.log_batch') return false;
  const state = record.state as { params?: readonly unknown[]; tags?: readonly unknown[] };
  return (state.params?.length ?? 0) === 0 && (state.tags?.length ?? 0) === 0;
}
