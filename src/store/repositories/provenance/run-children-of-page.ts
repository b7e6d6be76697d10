import type { LatestMetricsTable } from '../../schema.js';
import type { Executor } from '../../store.js';

/** What a run holds beside its own row, as audit verify compares it with the log. */
export interface StoredRunChildren {
  params: Map<string, string>;
  tags: Map<string, string>;
  artifacts: { path: string; size: number; sha256: string }[];
  /** The datasets the run consumed, by name and digest. */
  inputs: { name: string; digest: string }[];
  /** The latest value of each metric, in key order. */
  latestMetrics: Omit<LatestMetricsTable, 'run_id'>[];
}

/**
 * The params, tags, artifacts, dataset inputs and latest metric values of a page of runs, one query per table for the
 * whole page rather than several per run: a database of many short runs is checked in a few round trips per hundred.
 */
export async function runChildrenOfPage(
  db: Executor,
  runIds: readonly string[],
): Promise<Map<string, StoredRunChildren>> {
  const children = new Map<string, StoredRunChildren>(
    runIds.map((id) => [id, { params: new Map(), tags: new Map(), artifacts: [], inputs: [], latestMetrics: [] }]),
  );
  if (runIds.length === 0) return children;
  const ids = [...runIds];
  const [params, tags, artifacts, inputs, latest] = await Promise.all([
    db.selectFrom('run_params').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).execute(),
    db.selectFrom('run_tags').select(['run_id', 'key', 'value']).where('run_id', 'in', ids).execute(),
    db.selectFrom('artifacts').select(['run_id', 'path', 'size', 'sha256']).where('run_id', 'in', ids).execute(),
    db
      .selectFrom('run_inputs')
      .innerJoin('datasets', 'datasets.dataset_id', 'run_inputs.dataset_id')
      .select(['run_inputs.run_id', 'datasets.name', 'datasets.digest'])
      .where('run_inputs.run_id', 'in', ids)
      .execute(),
    db.selectFrom('latest_metrics').selectAll().where('run_id', 'in', ids).orderBy('run_id').orderBy('key').execute(),
  ]);
  for (const p of params) children.get(p.run_id)?.params.set(p.key, p.value);
  for (const t of tags) children.get(t.run_id)?.tags.set(t.key, t.value);
  for (const a of artifacts) children.get(a.run_id)?.artifacts.push({ path: a.path, size: a.size, sha256: a.sha256 });
  for (const i of inputs) children.get(i.run_id)?.inputs.push({ name: i.name, digest: i.digest });
  for (const { run_id, ...value } of latest) children.get(run_id)?.latestMetrics.push(value);
  return children;
}

/**
 * The experiment.delete and experiment.restore events of some experiments in seq order, in one query: deleting or
 * restoring an experiment moves its runs along without an event of theirs.
 */
export async function experimentLifecycleEvents(
  db: Executor,
  experimentIds: readonly string[],
): Promise<Map<string, { seq: number; action: string }[]>> {
  const events = new Map<string, { seq: number; action: string }[]>();
  if (experimentIds.length === 0) return events;
  const rows = await db
    .selectFrom('audit_events')
    .select(['entity_id', 'seq', 'action'])
    .where('entity_kind', '=', 'experiment')
    .where('entity_id', 'in', [...new Set(experimentIds)])
    .where('action', 'in', ['experiment.delete', 'experiment.restore'])
    .orderBy('seq')
    .execute();
  for (const row of rows) {
    const list = events.get(row.entity_id);
    const event = { seq: Number(row.seq), action: row.action };
    if (list) list.push(event);
    else events.set(row.entity_id, [event]);
  }
  return events;
}
