import type { Stage } from '../../domain/registry/stages.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';

/**
 * Reads behind lineage completeness and validation coverage on dashboards: direct records about many runs and model
 * versions at once, each list read in chunks so no statement exceeds a database's parameter limit.
 */

const CHUNK = 500;

export interface RunLineageRecords {
  /** Runs with at least one dataset logged as an input. */
  withDatasetInput: Set<string>;
  /** Per run, the graph edges into its node as `<edge type> <upstream node kind>`. */
  upstream: Map<string, Set<string>>;
  /** Per run, the keys of its tags among those asked for. */
  tagKeys: Map<string, Set<string>>;
}

/** What is recorded about these runs' inputs, code and environment; `tagKeyPrefixes` picks the tags to report. */
export async function runLineageRecords(
  db: Executor,
  runIds: readonly string[],
  tagKeyPrefixes: readonly string[],
): Promise<RunLineageRecords> {
  const records: RunLineageRecords = { withDatasetInput: new Set(), upstream: new Map(), tagKeys: new Map() };
  for (const chunk of inChunks(runIds, CHUNK)) {
    const inputs = await db.selectFrom('run_inputs').select('run_id').distinct().where('run_id', 'in', chunk).execute();
    for (const row of inputs) records.withDatasetInput.add(row.run_id);

    const edges = await db
      .selectFrom('lineage_edges')
      .select(['to_node', 'edge_type', 'from_node'])
      .where(
        'to_node',
        'in',
        chunk.map((id) => `run:${id}`),
      )
      .where('edge_type', 'in', ['consumed', 'depends_on'])
      .execute();
    for (const edge of edges) {
      const runId = edge.to_node.slice('run:'.length);
      const kind = edge.from_node.slice(0, edge.from_node.indexOf(':'));
      const set = records.upstream.get(runId) ?? new Set<string>();
      set.add(`${edge.edge_type} ${kind}`);
      records.upstream.set(runId, set);
    }

    if (tagKeyPrefixes.length === 0) continue;
    const tags = await db
      .selectFrom('run_tags')
      .select(['run_id', 'key'])
      .where('run_id', 'in', chunk)
      .where((eb) => eb.or(tagKeyPrefixes.map((prefix) => eb('key', 'like', `${prefix}%`))))
      .execute();
    for (const tag of tags) {
      const set = records.tagKeys.get(tag.run_id) ?? new Set<string>();
      set.add(tag.key);
      records.tagKeys.set(tag.run_id, set);
    }
  }
  return records;
}

export interface DashboardVersionRow {
  modelId: string;
  modelName: string;
  version: number;
  stage: Stage;
  runId: string | null;
  /** The source run's experiment: what a reader must be able to read to learn anything of that run. */
  runExperimentId: string | null;
  creationTime: number;
}

const versionColumns = [
  'v.model_id',
  'm.name',
  'v.version',
  'v.stage',
  'v.run_id',
  'r.experiment_id',
  'v.creation_time',
] as const;

function toVersionRow(r: {
  model_id: string;
  name: string;
  version: number;
  stage: Stage;
  run_id: string | null;
  experiment_id: string | null;
  creation_time: number;
}): DashboardVersionRow {
  return {
    modelId: r.model_id,
    modelName: r.name,
    version: Number(r.version),
    stage: r.stage,
    runId: r.run_id,
    runExperimentId: r.experiment_id,
    creationTime: Number(r.creation_time),
  };
}

/** Live model versions trained by these runs. */
export async function versionsFromRuns(db: Executor, runIds: readonly string[]): Promise<DashboardVersionRow[]> {
  const found: DashboardVersionRow[] = [];
  for (const chunk of inChunks(runIds, CHUNK)) {
    const rows = await db
      .selectFrom('model_versions as v')
      .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
      .leftJoin('runs as r', 'r.run_id', 'v.run_id')
      .select(versionColumns)
      .where('v.run_id', 'in', chunk)
      .where('v.deleted_time', 'is', null)
      .execute();
    found.push(...rows.map(toVersionRow));
  }
  return found;
}

/** Live versions of these registered models. */
export async function versionsOfModels(db: Executor, modelIds: readonly string[]): Promise<DashboardVersionRow[]> {
  const found: DashboardVersionRow[] = [];
  for (const chunk of inChunks(modelIds, CHUNK)) {
    const rows = await db
      .selectFrom('model_versions as v')
      .innerJoin('registered_models as m', 'm.model_id', 'v.model_id')
      .leftJoin('runs as r', 'r.run_id', 'v.run_id')
      .select(versionColumns)
      .where('v.model_id', 'in', chunk)
      .where('v.deleted_time', 'is', null)
      .execute();
    found.push(...rows.map(toVersionRow));
  }
  return found;
}

/** `<model id>/<version>` keys of versions, as the lineage graph names model version nodes after `model_version:`. */
export const versionKey = (modelId: string, version: number): string => `${modelId}/${version}`;

/** Which of these versions depend on a feature version in the lineage graph. */
export async function versionsWithFeatures(db: Executor, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of inChunks(keys, CHUNK)) {
    const rows = await db
      .selectFrom('lineage_edges')
      .select('to_node')
      .where(
        'to_node',
        'in',
        chunk.map((key) => `model_version:${key}`),
      )
      .where('edge_type', '=', 'depends_on')
      .where('from_node', 'like', 'feature_version:%')
      .execute();
    for (const row of rows) found.add(row.to_node.slice('model_version:'.length));
  }
  return found;
}

/** Which of these versions have a deployment the lineage graph records as active. */
export async function versionsActivelyDeployed(db: Executor, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of inChunks(keys, CHUNK)) {
    const rows = await db
      .selectFrom('lineage_deployments')
      .select('model_version_node')
      .where(
        'model_version_node',
        'in',
        chunk.map((key) => `model_version:${key}`),
      )
      .where('status', '=', 'ACTIVE')
      .execute();
    for (const row of rows) found.add(row.model_version_node.slice('model_version:'.length));
  }
  return found;
}

export interface ValidationRecords {
  fairness: Set<string>;
  sliceEvaluation: Set<string>;
  approval: Set<string>;
}

/**
 * Validation evidence on the versions of these models, keyed by versionKey: a fairness check, an evaluation on a
 * slice other than `overallSlice`, an approved transition request.
 */
export async function validationRecords(
  db: Executor,
  modelIds: readonly string[],
  overallSlice: string,
): Promise<ValidationRecords> {
  const records: ValidationRecords = { fairness: new Set(), sliceEvaluation: new Set(), approval: new Set() };
  for (const chunk of inChunks(modelIds, CHUNK)) {
    const checks = await db
      .selectFrom('model_version_checks')
      .select(['model_id', 'version'])
      .distinct()
      .where('model_id', 'in', chunk)
      .where('kind', '=', 'fairness')
      .execute();
    for (const r of checks) records.fairness.add(versionKey(r.model_id, Number(r.version)));
    const evaluations = await db
      .selectFrom('model_version_evaluations')
      .select(['model_id', 'version'])
      .distinct()
      .where('model_id', 'in', chunk)
      .where('slice', '<>', overallSlice)
      .execute();
    for (const r of evaluations) records.sliceEvaluation.add(versionKey(r.model_id, Number(r.version)));
    const approvals = await db
      .selectFrom('transition_requests')
      .select(['model_id', 'version'])
      .distinct()
      .where('model_id', 'in', chunk)
      .where('status', '=', 'approved')
      .execute();
    for (const r of approvals) records.approval.add(versionKey(r.model_id, Number(r.version)));
  }
  return records;
}
