import type { Experiment, KeyValue, LifecycleStage } from '../../domain/tracking/entities.js';
import type { ExperimentsTable } from '../schema.js';
import type { Executor } from '../store.js';

export async function insertExperiment(db: Executor, row: ExperimentsTable): Promise<void> {
  await db.insertInto('experiments').values(row).execute();
}

export async function findExperimentRow(db: Executor, experimentId: string): Promise<ExperimentsTable | undefined> {
  return db.selectFrom('experiments').selectAll().where('experiment_id', '=', experimentId).executeTakeFirst();
}

export async function findExperimentRowByName(db: Executor, name: string): Promise<ExperimentsTable | undefined> {
  return db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
}

/**
 * An experiment whose artifact location overlaps `path` (a path below the artifact root): the same folder, one
 * above it, or one inside it. Two experiments sharing files would let one's runs overwrite or delete the other's.
 */
/** The experiment whose artifact folder holds `path` (relative to the artifact root), if any. */
export async function experimentOwningPath(db: Executor, path: string): Promise<string | undefined> {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  const ancestors = parts.map((_, i) => `mlflow-artifacts:/${parts.slice(0, i + 1).join('/')}`);
  const row = await db
    .selectFrom('experiments')
    .select('experiment_id')
    .where('artifact_location', 'in', ancestors)
    .orderBy('artifact_location', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.experiment_id;
}

export async function experimentStoredAround(db: Executor, path: string): Promise<string | undefined> {
  const parts = path.split('/');
  const ancestors = parts.map((_, i) => `mlflow-artifacts:/${parts.slice(0, i + 1).join('/')}`);
  const below = `mlflow-artifacts:/${path}/`;
  const row = await db
    .selectFrom('experiments')
    .select('name')
    .where((eb) =>
      eb.or([
        eb('artifact_location', 'in', ancestors),
        eb(eb.fn('substr', ['artifact_location', eb.val(1), eb.val(below.length)]), '=', below),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row?.name;
}

export async function updateExperiment(
  db: Executor,
  experimentId: string,
  changes: Partial<Pick<ExperimentsTable, 'name' | 'lifecycle_stage' | 'last_update_time'>>,
): Promise<void> {
  await db.updateTable('experiments').set(changes).where('experiment_id', '=', experimentId).execute();
}

export async function setLifecycle(db: Executor, experimentId: string, stage: LifecycleStage, now: number) {
  await updateExperiment(db, experimentId, { lifecycle_stage: stage, last_update_time: now });
}

export async function upsertExperimentTags(db: Executor, experimentId: string, tags: KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .insertInto('experiment_tags')
    .values(tags.map((t) => ({ experiment_id: experimentId, key: t.key, value: t.value })))
    .onConflict((oc) => oc.columns(['experiment_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
    .execute();
}

export async function deleteExperimentTag(db: Executor, experimentId: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('experiment_tags')
    .where('experiment_id', '=', experimentId)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Loads the tags of many experiments in one query and assembles full entities. */
export async function hydrateExperiments(db: Executor, rows: ExperimentsTable[]): Promise<Experiment[]> {
  if (rows.length === 0) return [];
  const tags = await db
    .selectFrom('experiment_tags')
    .selectAll()
    .where(
      'experiment_id',
      'in',
      rows.map((r) => r.experiment_id),
    )
    .orderBy('key')
    .execute();
  const byExperiment = new Map<string, KeyValue[]>();
  for (const tag of tags) {
    const list = byExperiment.get(tag.experiment_id) ?? [];
    list.push({ key: tag.key, value: tag.value });
    byExperiment.set(tag.experiment_id, list);
  }
  return rows.map((row) => ({
    experimentId: row.experiment_id,
    name: row.name,
    artifactLocation: row.artifact_location,
    lifecycleStage: row.lifecycle_stage,
    creationTime: row.creation_time,
    lastUpdateTime: row.last_update_time,
    tags: byExperiment.get(row.experiment_id) ?? [],
  }));
}
