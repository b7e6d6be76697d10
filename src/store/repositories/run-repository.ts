import type { KeyValue, Run, RunInfo } from '../../domain/tracking/entities.js';
import type { RunsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';
import { findRunChildren } from './run-children.js';
import { findCompleteness } from './run-requirement-repository.js';

export async function insertRun(db: Executor, row: RunsTable): Promise<void> {
  await db.insertInto('runs').values(row).execute();
}

export async function findRunRow(db: Executor, runId: string): Promise<RunsTable | undefined> {
  return db.selectFrom('runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
}

/** The rows of the given runs that exist, in no particular order; ids are looked up in chunks of bounded size. */
export async function findRunRows(db: Executor, runIds: readonly string[]): Promise<RunsTable[]> {
  const rows: RunsTable[] = [];
  for (const chunk of inChunks(runIds, 500)) {
    rows.push(...(await db.selectFrom('runs').selectAll().where('run_id', 'in', chunk).execute()));
  }
  return rows;
}

/** A run whose artifact directory lies below `rootPath` (a path relative to the artifact root), if there is one. */
export async function runStoredBelow(db: Executor, rootPath: string): Promise<string | undefined> {
  const prefix = `mlflow-artifacts:/${rootPath === '' ? '' : `${rootPath}/`}`;
  const row = await db
    .selectFrom('runs')
    .select('run_id')
    .where((eb) => eb(eb.fn('substr', ['artifact_uri', eb.val(1), eb.val(prefix.length)]), '=', prefix))
    .limit(1)
    .executeTakeFirst();
  return row?.run_id;
}

export async function updateRunRow(
  db: Executor,
  runId: string,
  changes: Partial<Pick<RunsTable, 'status' | 'end_time' | 'run_name' | 'lifecycle_stage' | 'deleted_time'>>,
): Promise<void> {
  await db.updateTable('runs').set(changes).where('run_id', '=', runId).execute();
}

export async function findParams(db: Executor, runId: string, keys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of inChunks(keys, 500)) {
    const rows = await db
      .selectFrom('run_params')
      .select(['key', 'value'])
      .where('run_id', '=', runId)
      .where('key', 'in', chunk)
      .execute();
    for (const row of rows) found.set(row.key, row.value);
  }
  return found;
}

/**
 * Rows are written in key order so two transactions touching the same keys lock them in the same order and cannot
 * deadlock on PostgreSQL.
 */
const byKey = (pairs: KeyValue[]): KeyValue[] =>
  [...pairs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

export async function insertParams(db: Executor, runId: string, params: KeyValue[]): Promise<void> {
  for (const chunk of inChunks(byKey(params), 500)) {
    await db
      .insertInto('run_params')
      .values(chunk.map((p) => ({ run_id: runId, key: p.key, value: p.value })))
      .onConflict((oc) => oc.columns(['run_id', 'key']).doNothing())
      .execute();
  }
}

export async function upsertRunTags(db: Executor, runId: string, tags: KeyValue[]): Promise<void> {
  for (const chunk of inChunks(byKey(tags), 500)) {
    await db
      .insertInto('run_tags')
      .values(chunk.map((t) => ({ run_id: runId, key: t.key, value: t.value })))
      .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

/** Whether any of the runs carries the tag, whatever its value. */
export async function anyRunTagged(db: Executor, runIds: readonly string[], key: string): Promise<boolean> {
  if (runIds.length === 0) return false;
  const row = await db
    .selectFrom('run_tags')
    .select('run_id')
    .where('run_id', 'in', runIds)
    .where('key', '=', key)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteRunTag(db: Executor, runId: string, key: string): Promise<boolean> {
  const result = await db.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export function toRunInfo(row: RunsTable): RunInfo {
  return {
    runId: row.run_id,
    experimentId: row.experiment_id,
    runName: row.run_name,
    userId: row.user_id,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    artifactUri: row.artifact_uri,
    lifecycleStage: row.lifecycle_stage,
    parentRunId: row.parent_run_id,
  };
}

/** Assembles full runs for a page of run rows with one statement, never one per run. */
export async function hydrateRuns(db: Executor, rows: RunsTable[]): Promise<Run[]> {
  if (rows.length === 0) return [];
  const runIds = rows.map((r) => r.run_id);
  const children = await findRunChildren(db, runIds);
  const completeness = await findCompleteness(db, runIds);
  return rows.map((row) => {
    const found = children.get(row.run_id);
    return {
      info: toRunInfo(row),
      params: found?.params ?? [],
      metrics: found?.metrics ?? [],
      tags: found?.tags ?? [],
      inputs: found?.inputs ?? [],
      modelOutputs: found?.modelOutputs ?? [],
      modelInputs: found?.modelInputs ?? [],
      completeness: completeness.get(row.run_id) ?? null,
    };
  });
}

/**
 * Takes the run row's lock until the transaction ends: a no-op update does so on PostgreSQL (SQLite runs one writer
 * at a time anyway), so writers that read and rewrite something of the run queue up instead of overwriting each other.
 */
export async function lockRunRow(db: Executor, runId: string): Promise<void> {
  await db
    .updateTable('runs')
    .set((eb) => ({ run_id: eb.ref('run_id') }))
    .where('run_id', '=', runId)
    .execute();
}

/** The value of one tag of a run, if it has it. */
export async function findRunTag(db: Executor, runId: string, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('run_tags')
    .select('value')
    .where('run_id', '=', runId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** Moves the runs of an experiment that are in one lifecycle stage to another, as deleting or restoring it does. */
export async function moveExperimentRuns(
  db: Executor,
  experimentId: string,
  from: 'active' | 'deleted',
  to: { lifecycle_stage: 'active' | 'deleted'; deleted_time: number | null },
): Promise<void> {
  await db
    .updateTable('runs')
    .set(to)
    .where('experiment_id', '=', experimentId)
    .where('lifecycle_stage', '=', from)
    .execute();
}
