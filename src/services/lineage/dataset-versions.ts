import { alreadyExists } from '../../domain/errors.js';
import {
  type DatasetColumn,
  type DatasetVersion,
  datasetLabel,
  type QualityCheck,
} from '../../domain/lineage/dataset-version.js';
import { nodeId } from '../../domain/lineage/node-id.js';
import { datasetState } from '../../domain/provenance/audit-events/lineage-states.js';
import { datasetVersionChange } from '../../domain/registry/revalidation.js';
import { datasetDocument } from '../../domain/tracking/tracking-documents.js';
import * as datasets from '../../store/repositories/lineage/dataset-version-repository.js';
import { upsertNode } from '../../store/repositories/lineage/node-repository.js';
import type { LineageDatasetVersionsTable } from '../../store/schema-lineage.js';
import type { Executor } from '../../store/store.js';
import { bindCreator } from '../access/permission-service.js';
import { newId } from '../ids.js';
import { enforceRules } from '../tracking/tracking-rules.js';
import type { WriteScope } from '../unit-of-work.js';
import type { UpstreamChangeHandler } from './upstream-changes.js';

export interface DatasetVersionInput {
  namespace: string;
  name: string;
  versionKey: string;
  uri?: string | null;
  digest?: string | null;
  columns?: DatasetColumn[] | null;
  rowCount?: number | null;
  qualityChecks?: QualityCheck[] | null;
  facets?: Record<string, unknown>;
}

/**
 * Finds or creates a dataset version (and its dataset) inside the caller's transaction, and keeps its graph node in
 * step. `merge` folds what is new into an existing version (OpenLineage sends a version's facts over several
 * events); `create` refuses a version that already exists, as an explicit registration must not overwrite one.
 */
export async function saveDatasetVersion(
  scope: WriteScope,
  input: DatasetVersionInput,
  mode: 'merge' | 'create',
  now: number,
  /** Told when the save supersedes versions models were trained on, or changes a schema they read. */
  upstream?: UpstreamChangeHandler,
): Promise<DatasetVersion> {
  const { db } = scope;
  let dataset = await datasets.findDataset(db, input.namespace, input.name);
  if (!dataset) {
    dataset = {
      dataset_id: newId(),
      namespace: input.namespace,
      name: input.name,
      description: null,
      created_time: now,
    };
    await checkDatasetRules(db, dataset);
    await datasets.insertDataset(db, dataset);
    scope.audit({
      action: 'lineage.dataset.create',
      entityKind: 'dataset',
      entityId: dataset.dataset_id,
      state: datasetState(dataset),
    });
    // Whoever creates a dataset manages it, however it was first seen: registered, logged by an MLflow run as an
    // input, or reported by an OpenLineage event (a server without authentication binds nobody).
    await bindCreator(scope, 'dataset', dataset.dataset_id, now);
  }
  const existing = await datasets.findVersionByKey(db, dataset.dataset_id, input.versionKey);
  if (existing && mode === 'create') {
    throw alreadyExists(
      `Dataset ${datasetLabel(input.namespace, input.name)} already has a version '${input.versionKey}' (${existing.versionId})`,
    );
  }
  let versionId: string;
  if (existing) {
    versionId = existing.versionId;
    const changes: Partial<LineageDatasetVersionsTable> = {};
    if (input.uri && input.uri !== existing.uri) changes.uri = input.uri;
    if (input.digest && input.digest !== existing.digest) changes.digest = input.digest;
    if (input.columns) changes.columns = JSON.stringify(input.columns);
    if (input.rowCount !== undefined && input.rowCount !== null) changes.row_count = input.rowCount;
    if (input.qualityChecks) changes.quality_checks = JSON.stringify(input.qualityChecks);
    if (input.facets && Object.keys(input.facets).length > 0) {
      changes.facets = JSON.stringify({ ...existing.facets, ...input.facets });
    }
    if (Object.keys(changes).length === 0) return existing;
    await datasets.updateVersion(db, versionId, changes);
  } else {
    versionId = newId();
    await datasets.insertVersion(db, {
      version_id: versionId,
      dataset_id: dataset.dataset_id,
      version_key: input.versionKey,
      uri: input.uri ?? null,
      digest: input.digest ?? null,
      columns: input.columns ? JSON.stringify(input.columns) : null,
      row_count: input.rowCount ?? null,
      quality_checks: JSON.stringify(input.qualityChecks ?? []),
      facets: JSON.stringify(input.facets ?? {}),
      drift_status: null,
      drift_observed_digest: null,
      drift_time: null,
      created_time: now,
    });
  }
  const saved = (await datasets.findVersion(db, versionId))!;
  await upsertNode(db, datasetVersionNode(saved));
  scope.audit({
    action: existing ? 'lineage.dataset_version.update' : 'lineage.dataset_version.create',
    entityKind: 'dataset_version',
    entityId: versionId,
    state: saved,
  });
  if (upstream) {
    const earlier = existing ? [] : await datasets.listVersions(db, dataset.dataset_id);
    const change = datasetVersionChange(saved, existing, earlier);
    if (change) await upstream.upstreamChanged(scope, change);
  }
  return saved;
}

/**
 * The server's rules for a dataset about to be created, however it arrives (registered, reported by OpenLineage,
 * logged as an MLflow run input): its name follows the dataset naming rule and its document (namespace, name,
 * description) conforms to the `dataset` schema (`dataset:<name>`, else `dataset`).
 */
export async function checkDatasetRules(
  db: Executor,
  dataset: { namespace: string; name: string; description: string | null },
): Promise<void> {
  await enforceRules(db, {
    kind: 'dataset',
    what: `Dataset ${datasetLabel(dataset.namespace, dataset.name)}`,
    name: dataset.name,
    scope: dataset.name,
    document: async () => datasetDocument(dataset),
  });
}

export function datasetVersionNode(version: DatasetVersion) {
  return {
    id: nodeId('dataset_version', version.versionId),
    kind: 'dataset_version' as const,
    label: datasetLabel(version.namespace, version.name, version.version),
    attributes: {
      namespace: version.namespace,
      name: version.name,
      version: version.version,
      uri: version.uri,
      digest: version.digest,
      ...(version.drift ? { driftStatus: version.drift.status, driftTime: version.drift.detectedTime } : {}),
    },
    createdTime: version.createdTime,
  };
}
