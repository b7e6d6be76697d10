import type { ReadableSet } from '../../domain/access/readable-set.js';
import type { CandidateExperiment, CandidateRun } from '../../domain/search/param-suggestions.js';
import type { Executor } from '../store.js';
import { visibilityCondition } from './visibility-condition.js';

/**
 * What experiment starters compare: every active experiment the caller may read, with the datasets its runs read
 * (logged inputs and lineage) and its tags (the `task_type` tag is its task type). Hidden experiments are left out
 * in the query.
 */
export async function readableExperimentProfiles(db: Executor, visible: ReadableSet): Promise<CandidateExperiment[]> {
  const condition = visibilityCondition('e.experiment_id', visible);
  let experimentsQuery = db
    .selectFrom('experiments as e')
    .select(['e.experiment_id', 'e.name'])
    .where('e.lifecycle_stage', '=', 'active');
  if (condition) experimentsQuery = experimentsQuery.where(condition);
  const experiments = await experimentsQuery.orderBy('e.experiment_id').execute();
  if (experiments.length === 0) return [];
  const ids = experiments.map((e) => e.experiment_id);
  const [tags, datasets] = await Promise.all([
    db
      .selectFrom('experiment_tags')
      .select(['experiment_id', 'key', 'value'])
      .where('experiment_id', 'in', ids)
      .execute(),
    // The search index holds what each run read: datasets it logged as inputs and those lineage says it consumed.
    db
      .selectFrom('search_documents as d')
      .innerJoin('search_facets as f', 'f.doc_id', 'd.doc_id')
      .select(['d.experiment_id', 'f.value as name'])
      .distinct()
      .where('d.entity_type', '=', 'run')
      .where('f.facet', '=', 'dataset')
      .where('d.experiment_id', 'in', ids)
      .execute(),
  ]);
  const byId = new Map<string, CandidateExperiment>();
  for (const e of experiments) {
    byId.set(e.experiment_id, {
      experimentId: e.experiment_id,
      name: e.name,
      profile: { datasets: [], taskType: null, tags: {} },
    });
  }
  for (const tag of tags) {
    const experiment = byId.get(tag.experiment_id);
    if (!experiment) continue;
    (experiment.profile.tags as Record<string, string>)[tag.key] = tag.value;
    if (tag.key === 'task_type') (experiment.profile as { taskType: string | null }).taskType = tag.value;
  }
  for (const row of datasets) {
    if (row.experiment_id !== null)
      (byId.get(row.experiment_id)?.profile.datasets as string[] | undefined)?.push(row.name);
  }
  return [...byId.values()];
}

/** Finished, active runs of these experiments with their params and the latest value of each metric. */
export async function finishedRunsOf(db: Executor, experimentIds: readonly string[]): Promise<CandidateRun[]> {
  if (experimentIds.length === 0) return [];
  const runs = await db
    .selectFrom('runs')
    .select(['run_id', 'run_name', 'experiment_id'])
    .where('experiment_id', 'in', [...experimentIds])
    .where('lifecycle_stage', '=', 'active')
    .where('status', '=', 'FINISHED')
    .execute();
  if (runs.length === 0) return [];
  const byId = new Map<string, CandidateRun>();
  for (const r of runs) {
    byId.set(r.run_id, {
      runId: r.run_id,
      runName: r.run_name,
      experimentId: r.experiment_id,
      params: {},
      metrics: {},
    });
  }
  const runIds = [...byId.keys()];
  const [params, metrics] = await Promise.all([
    db.selectFrom('run_params').select(['run_id', 'key', 'value']).where('run_id', 'in', runIds).execute(),
    db
      .selectFrom('latest_metrics')
      .select(['run_id', 'key', 'value'])
      .where('run_id', 'in', runIds)
      .where('is_nan', '=', 0)
      .execute(),
  ]);
  for (const p of params) {
    const run = byId.get(p.run_id);
    if (run) (run.params as Record<string, string>)[p.key] = p.value;
  }
  for (const m of metrics) {
    const run = byId.get(m.run_id);
    if (run) (run.metrics as Record<string, number>)[m.key] = Number(m.value);
  }
  return [...byId.values()];
}
