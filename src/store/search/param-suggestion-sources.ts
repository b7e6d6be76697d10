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
  // Narrowed by a join with the same conditions rather than a list of ids, which could outgrow a statement's limit.
  let tagsQuery = db
    .selectFrom('experiment_tags as t')
    .innerJoin('experiments as e', 'e.experiment_id', 't.experiment_id')
    .select(['t.experiment_id', 't.key', 't.value'])
    .where('e.lifecycle_stage', '=', 'active');
  if (condition) tagsQuery = tagsQuery.where(condition);
  let datasetsQuery = db
    .selectFrom('search_documents as d')
    .innerJoin('search_facets as f', 'f.doc_id', 'd.doc_id')
    .innerJoin('experiments as e', 'e.experiment_id', 'd.experiment_id')
    .select(['e.experiment_id', 'f.value as name'])
    .distinct()
    .where('d.entity_type', '=', 'run')
    .where('f.facet', '=', 'dataset')
    .where('e.lifecycle_stage', '=', 'active');
  if (condition) datasetsQuery = datasetsQuery.where(condition);
  const [tags, datasets] = await Promise.all([
    tagsQuery.execute(),
    // The search index holds what each run read: datasets it logged as inputs and those lineage says it consumed.
    datasetsQuery.execute(),
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
  // Through a join on the runs rather than a list of run ids, which could outgrow a statement's limit.
  const [params, metrics] = await Promise.all([
    db
      .selectFrom('run_params as x')
      .innerJoin('runs as r', 'r.run_id', 'x.run_id')
      .select(['x.run_id', 'x.key', 'x.value'])
      .where('r.experiment_id', 'in', [...experimentIds])
      .where('r.lifecycle_stage', '=', 'active')
      .where('r.status', '=', 'FINISHED')
      .execute(),
    db
      .selectFrom('latest_metrics as x')
      .innerJoin('runs as r', 'r.run_id', 'x.run_id')
      .select(['x.run_id', 'x.key', 'x.value'])
      .where('r.experiment_id', 'in', [...experimentIds])
      .where('r.lifecycle_stage', '=', 'active')
      .where('r.status', '=', 'FINISHED')
      .where('x.is_nan', '=', 0)
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
