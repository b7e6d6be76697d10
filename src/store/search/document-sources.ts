import { sql } from 'kysely';
import { isSealedValue } from '../../domain/encryption/sealed-value.js';
import type { DiscoveryType } from '../../domain/search/discovery-filters.js';
import { LATENCY_BUDGET_KEY } from '../../domain/search/discovery-filters.js';
import type { DocumentFacts, IndexedFacet } from '../../domain/search/search-document.js';
import type { Executor } from '../store.js';

/**
 * Reads what one entity contributes to the discovery index from its rows; undefined when it no longer exists (or is
 * deleted), so its document is removed. Values stored sealed are never read into the index: only their keys are.
 */
export function loadDocumentFacts(db: Executor, type: DiscoveryType, id: string): Promise<DocumentFacts | undefined> {
  switch (type) {
    case 'model':
      return modelFacts(db, id);
    case 'model_version':
      return versionFacts(db, id);
    case 'experiment':
      return experimentFacts(db, id);
    case 'run':
      return runFacts(db, id);
    case 'dataset':
      return datasetFacts(db, id);
    case 'dataset_version':
      return datasetVersionFacts(db, id);
    case 'feature':
      return featureFacts(db, id);
    case 'deployment':
      return deploymentFacts(db, id);
  }
}

const plain = (value: string): string | undefined => (isSealedValue(value) ? undefined : value);

type KeyValue = { key: string; value: string };

/** Tags as keywords, facets and (for their values) completion terms; sealed values contribute their key only. */
function tagParts(tags: readonly KeyValue[]) {
  const keywords: string[] = [];
  const facets: [IndexedFacet, string | undefined][] = [];
  for (const tag of tags) {
    if (tag.key.startsWith('mlflow.') && tag.key !== 'mlflow.note.content') continue;
    const value = plain(tag.value);
    keywords.push(tag.key);
    facets.push(['tag_key', tag.key]);
    if (value === undefined || tag.key === 'mlflow.note.content') continue;
    keywords.push(value);
    facets.push(['tag', `${tag.key}=${value}`], ['tag_value', value]);
  }
  return { keywords, facets };
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function frameworkOf(metadata: string, tags: readonly KeyValue[]): string | undefined {
  const parsed = parseJson<Record<string, unknown>>(metadata, {});
  if (typeof parsed.framework === 'string') return parsed.framework;
  return tags.find((t) => t.key === 'framework')?.value;
}

async function modelFacts(db: Executor, modelId: string): Promise<DocumentFacts | undefined> {
  const model = await db.selectFrom('registered_models').selectAll().where('model_id', '=', modelId).executeTakeFirst();
  if (!model) return undefined;
  const [tags, aliases, stages] = await Promise.all([
    db.selectFrom('registered_model_tags').select(['key', 'value']).where('model_id', '=', modelId).execute(),
    db.selectFrom('model_aliases').select('alias').where('model_id', '=', modelId).execute(),
    db
      .selectFrom('model_versions')
      .select('stage')
      .distinct()
      .where('model_id', '=', modelId)
      .where('deleted_time', 'is', null)
      .execute(),
  ]);
  const tagged = tagParts(tags);
  const framework = frameworkOf(model.metadata, tags);
  const flags = parseJson<unknown[]>(model.regulatory_flags, []).filter((f): f is string => typeof f === 'string');
  const stageNames = stages.map((s) => s.stage);
  return {
    type: 'model',
    id: modelId,
    name: model.name,
    texts: [model.description, model.purpose, model.intended_use, model.limitations],
    keywords: [
      ...tagged.keywords,
      ...aliases.map((a) => a.alias),
      model.task_type,
      model.algorithm_family,
      framework,
      ...flags,
    ],
    people: [model.owner_team],
    stage: stageNames.includes('Production') ? 'Production' : null,
    production: stageNames.includes('Production'),
    scope: { modelId },
    facets: [
      ...tagged.facets,
      ...aliases.map((a): [IndexedFacet, string] => ['alias', a.alias]),
      ...stageNames.map((s): [IndexedFacet, string] => ['stage', s]),
      ['team', model.owner_team],
      ['owner', model.owner_team],
      ['task_type', model.task_type],
      ['algorithm_family', model.algorithm_family],
      ['framework', framework],
      ...flags.map((f): [IndexedFacet, string] => ['regulatory_flag', f]),
    ],
    numbers: model.latency_budget_ms === null ? [] : [[LATENCY_BUDGET_KEY, model.latency_budget_ms]],
    summary: { description: model.description, purpose: model.purpose, ownerTeam: model.owner_team },
    createdTime: model.creation_time,
    updatedTime: model.last_updated_time,
  };
}

/** A run's tags, param keys, latest metrics, MLflow dataset names and consumed lineage nodes, by part. */
interface RunRows {
  tags: KeyValue[];
  paramKeys: string[];
  /** Latest values, NaN kept here (the index drops non-finite values). */
  metrics: { key: string; value: number }[];
  mlflowDatasets: string[];
  consumed: string[];
}

/**
 * The rows of a run its documents are made from, in one statement: a run is reindexed in every write that changes
 * it, and on PostgreSQL each statement is a round trip while the write group holds the audit log's lock.
 */
async function runRows(db: Executor, runId: string): Promise<RunRows> {
  const { rows } = await sql<{ part: string; key: string; value: string | null; number: number | string | null }>`
    select 't' as part, key, value, cast(null as double precision) as number from run_tags where run_id = ${runId}
    union all
    select 'p', key, null, null from run_params where run_id = ${runId}
    union all
    select 'm', key, null, case when is_nan = 0 then value end from latest_metrics where run_id = ${runId}
    union all
    select 'd', d.name, null, null from run_inputs ri join datasets d on d.dataset_id = ri.dataset_id
      where ri.run_id = ${runId}
    union all
    select 'c', from_node, null, null from lineage_edges where to_node = ${`run:${runId}`} and edge_type = 'consumed'`.execute(
    db,
  );
  const found: RunRows = { tags: [], paramKeys: [], metrics: [], mlflowDatasets: [], consumed: [] };
  for (const row of rows) {
    if (row.part === 't') found.tags.push({ key: row.key, value: row.value ?? '' });
    else if (row.part === 'p') found.paramKeys.push(row.key);
    else if (row.part === 'm')
      found.metrics.push({ key: row.key, value: row.number === null ? NaN : Number(row.number) });
    else if (row.part === 'd') found.mlflowDatasets.push(row.key);
    else found.consumed.push(row.key);
  }
  return found;
}

/** What a run used and measured: its param and metric keys, latest metric values, datasets and features. */
async function runUsage(db: Executor, runId: string) {
  const { tags, paramKeys, metrics, mlflowDatasets, consumed } = await runRows(db, runId);
  const versionIds = consumed.flatMap((node) =>
    node.startsWith('dataset_version:') ? [node.slice('dataset_version:'.length)] : [],
  );
  const featureVersionIds = consumed.flatMap((node) =>
    node.startsWith('feature_version:') ? [node.slice('feature_version:'.length)] : [],
  );
  const [lineageDatasets, features] = await Promise.all([
    versionIds.length === 0
      ? []
      : db
          .selectFrom('lineage_dataset_versions')
          .innerJoin('lineage_datasets', 'lineage_datasets.dataset_id', 'lineage_dataset_versions.dataset_id')
          .select('lineage_datasets.name')
          .where('lineage_dataset_versions.version_id', 'in', versionIds)
          .execute(),
    featureVersionIds.length === 0
      ? []
      : db
          .selectFrom('lineage_feature_versions')
          .innerJoin('lineage_features', 'lineage_features.feature_id', 'lineage_feature_versions.feature_id')
          .select('lineage_features.name')
          .where('lineage_feature_versions.feature_version_id', 'in', featureVersionIds)
          .execute(),
  ]);
  const datasets = [...new Set([...mlflowDatasets, ...lineageDatasets.map((d) => d.name)])];
  return {
    tags,
    paramKeys,
    metrics: metrics.filter((m) => !Number.isNaN(m.value)).map((m): [string, number] => [m.key, m.value]),
    metricKeys: metrics.map((m) => m.key),
    datasets,
    features: [...new Set(features.map((f) => f.name))],
  };
}

function usageFacets(usage: Awaited<ReturnType<typeof runUsage>>): [IndexedFacet, string][] {
  return [
    ...usage.paramKeys.map((k): [IndexedFacet, string] => ['param_key', k]),
    ...usage.metricKeys.map((k): [IndexedFacet, string] => ['metric_key', k]),
    ...usage.datasets.map((d): [IndexedFacet, string] => ['dataset', d]),
    ...usage.features.map((f): [IndexedFacet, string] => ['feature', f]),
  ];
}

async function versionFacts(db: Executor, entityId: string): Promise<DocumentFacts | undefined> {
  const slash = entityId.lastIndexOf('/');
  const modelId = entityId.slice(0, slash);
  const number = Number(entityId.slice(slash + 1));
  if (slash <= 0 || !Number.isSafeInteger(number)) return undefined;
  const [model, version] = await Promise.all([
    db.selectFrom('registered_models').selectAll().where('model_id', '=', modelId).executeTakeFirst(),
    db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('version', '=', number)
      .executeTakeFirst(),
  ]);
  if (!model || !version || version.deleted_time !== null) return undefined;
  const [tags, aliases, modelTags] = await Promise.all([
    db
      .selectFrom('model_version_tags')
      .select(['key', 'value'])
      .where('model_id', '=', modelId)
      .where('version', '=', number)
      .execute(),
    db
      .selectFrom('model_aliases')
      .select('alias')
      .where('model_id', '=', modelId)
      .where('version', '=', number)
      .execute(),
    db.selectFrom('registered_model_tags').select(['key', 'value']).where('model_id', '=', modelId).execute(),
  ]);
  const usage = version.run_id
    ? await runUsage(db, version.run_id)
    : { tags: [], paramKeys: [], metrics: [], metricKeys: [], datasets: [], features: [] };
  const tagged = tagParts(tags);
  const framework = frameworkOf(version.metadata, tags) ?? frameworkOf(model.metadata, modelTags);
  return {
    type: 'model_version',
    id: entityId,
    name: `${model.name} v${number}`,
    texts: [version.description, version.release_notes],
    keywords: [
      ...tagged.keywords,
      ...aliases.map((a) => a.alias),
      version.stage,
      ...usage.paramKeys,
      ...usage.metricKeys,
      model.task_type,
      model.algorithm_family,
      framework,
    ],
    people: [version.user_id, model.owner_team],
    stage: version.stage,
    production: version.stage === 'Production',
    scope: { modelId },
    facets: [
      ...tagged.facets,
      ...aliases.map((a): [IndexedFacet, string] => ['alias', a.alias]),
      ['stage', version.stage],
      ['team', model.owner_team],
      ['owner', version.user_id],
      ['task_type', model.task_type],
      ['algorithm_family', model.algorithm_family],
      ['framework', framework],
      ...usageFacets(usage),
    ],
    numbers: [
      ...usage.metrics,
      ...(model.latency_budget_ms === null ? [] : [[LATENCY_BUDGET_KEY, model.latency_budget_ms] as [string, number]]),
    ],
    summary: {
      model: model.name,
      version: number,
      description: version.description,
      releaseNotes: version.release_notes,
      stage: version.stage,
      runId: version.run_id,
    },
    createdTime: version.creation_time,
    updatedTime: version.last_updated_time,
  };
}

async function experimentFacts(db: Executor, experimentId: string): Promise<DocumentFacts | undefined> {
  const experiment = await db
    .selectFrom('experiments')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .executeTakeFirst();
  if (!experiment || experiment.lifecycle_stage !== 'active') return undefined;
  const tags = await db
    .selectFrom('experiment_tags')
    .select(['key', 'value'])
    .where('experiment_id', '=', experimentId)
    .execute();
  const tagged = tagParts(tags.filter((t) => !t.key.startsWith('mnemo.')));
  const note = tags.find((t) => t.key === 'mlflow.note.content')?.value;
  return {
    type: 'experiment',
    id: experimentId,
    name: experiment.name,
    texts: [note],
    keywords: tagged.keywords,
    people: [],
    stage: null,
    production: false,
    scope: { experimentId },
    facets: tagged.facets,
    numbers: [],
    summary: { description: note ?? null },
    createdTime: experiment.creation_time,
    updatedTime: experiment.last_update_time,
  };
}

async function runFacts(db: Executor, runId: string): Promise<DocumentFacts | undefined> {
  const run = await db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
  if (!run || run.lifecycle_stage !== 'active') return undefined;
  const usage = await runUsage(db, runId);
  const tags = usage.tags;
  const tagged = tagParts(tags);
  const note = tags.find((t) => t.key === 'mlflow.note.content')?.value;
  return {
    type: 'run',
    id: runId,
    name: run.run_name || runId,
    texts: [note === undefined ? undefined : plain(note)],
    keywords: [...tagged.keywords, ...usage.paramKeys, ...usage.metricKeys],
    people: [run.user_id],
    stage: null,
    production: false,
    scope: { experimentId: run.experiment_id },
    facets: [...tagged.facets, ['owner', run.user_id], ...usageFacets(usage)],
    numbers: usage.metrics,
    summary: { experimentId: run.experiment_id, status: run.status },
    createdTime: run.start_time,
    updatedTime: run.end_time ?? run.start_time,
  };
}

async function datasetFacts(db: Executor, datasetId: string): Promise<DocumentFacts | undefined> {
  const dataset = await db
    .selectFrom('lineage_datasets')
    .selectAll()
    .where('dataset_id', '=', datasetId)
    .executeTakeFirst();
  if (!dataset) return undefined;
  return {
    type: 'dataset',
    id: datasetId,
    name: dataset.name,
    texts: [dataset.description],
    keywords: [dataset.namespace],
    people: [],
    stage: null,
    production: false,
    scope: { datasetId },
    facets: [],
    numbers: [],
    summary: { namespace: dataset.namespace, description: dataset.description },
    createdTime: dataset.created_time,
    updatedTime: dataset.created_time,
  };
}

async function datasetVersionFacts(db: Executor, versionId: string): Promise<DocumentFacts | undefined> {
  const row = await db
    .selectFrom('lineage_dataset_versions')
    .innerJoin('lineage_datasets', 'lineage_datasets.dataset_id', 'lineage_dataset_versions.dataset_id')
    .select([
      'lineage_dataset_versions.dataset_id',
      'lineage_dataset_versions.version_key',
      'lineage_dataset_versions.uri',
      'lineage_dataset_versions.columns',
      'lineage_dataset_versions.created_time',
      'lineage_datasets.name',
      'lineage_datasets.namespace',
      'lineage_datasets.description',
    ])
    .where('lineage_dataset_versions.version_id', '=', versionId)
    .executeTakeFirst();
  if (!row) return undefined;
  const columns = parseJson<unknown[]>(row.columns, [])
    .map((c) => (c && typeof c === 'object' && 'name' in c ? String((c as { name: unknown }).name) : undefined))
    .filter((c): c is string => c !== undefined);
  return {
    type: 'dataset_version',
    id: versionId,
    name: `${row.name}@${row.version_key}`,
    texts: [row.description],
    keywords: [row.namespace, row.uri, ...columns],
    people: [],
    stage: null,
    production: false,
    scope: { datasetId: row.dataset_id },
    facets: [['dataset', row.name]],
    numbers: [],
    summary: { dataset: row.name, namespace: row.namespace, version: row.version_key, uri: row.uri },
    createdTime: row.created_time,
    updatedTime: row.created_time,
  };
}

async function featureFacts(db: Executor, featureId: string): Promise<DocumentFacts | undefined> {
  const feature = await db
    .selectFrom('lineage_features')
    .selectAll()
    .where('feature_id', '=', featureId)
    .executeTakeFirst();
  if (!feature) return undefined;
  const versions = await db
    .selectFrom('lineage_feature_versions')
    .select(['version', 'pipeline', 'created_time'])
    .where('feature_id', '=', featureId)
    .execute();
  return {
    type: 'feature',
    id: featureId,
    name: feature.name,
    texts: [feature.description],
    keywords: versions.flatMap((v) => [v.version, v.pipeline]),
    people: [],
    stage: null,
    production: false,
    scope: {},
    facets: [['feature', feature.name]],
    numbers: [],
    summary: { description: feature.description, versions: versions.map((v) => v.version) },
    createdTime: feature.created_time,
    updatedTime: Math.max(feature.created_time, ...versions.map((v) => v.created_time)),
  };
}

async function deploymentFacts(db: Executor, deploymentId: string): Promise<DocumentFacts | undefined> {
  const row = await db
    .selectFrom('lineage_deployments')
    .innerJoin('lineage_deployment_targets', 'lineage_deployment_targets.target_id', 'lineage_deployments.target_id')
    .select([
      'lineage_deployments.model_version_node',
      'lineage_deployments.status',
      'lineage_deployments.deployed_time',
      'lineage_deployments.updated_time',
      'lineage_deployment_targets.name as target',
      'lineage_deployment_targets.description',
    ])
    .where('lineage_deployments.deployment_id', '=', deploymentId)
    .executeTakeFirst();
  if (!row) return undefined;
  const [modelId = '', version = ''] = row.model_version_node.replace(/^model_version:/, '').split('/');
  const model = await db
    .selectFrom('registered_models')
    .select('name')
    .where('model_id', '=', modelId)
    .executeTakeFirst();
  const modelName = model?.name ?? modelId;
  return {
    type: 'deployment',
    id: deploymentId,
    name: `${modelName} v${version} on ${row.target}`,
    texts: [row.description],
    keywords: [row.status, row.target],
    people: [],
    stage: null,
    production: false,
    scope: { modelId },
    facets: [],
    numbers: [],
    summary: { model: modelName, version: Number(version), target: row.target, status: row.status },
    createdTime: row.deployed_time,
    updatedTime: row.updated_time,
  };
}
