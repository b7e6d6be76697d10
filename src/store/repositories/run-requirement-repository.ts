import type { MissingItem, RunCompleteness, RunRequirements } from '../../domain/tracking/run-requirements.js';
import type { RunCompletenessTable, RunsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';

/** Stored times of a scope's requirements: created with the first put, updated with every put. */
export interface RequirementTimes {
  creationTime: number;
  lastUpdatedTime: number;
}

export interface StoredRequirements extends RequirementTimes {
  scope: string;
  requirements: RunRequirements;
}

export async function upsertRequirements(
  db: Executor,
  scope: string,
  requirements: RunRequirements,
  now: number,
): Promise<RequirementTimes> {
  const text = JSON.stringify(requirements);
  const stored = await db
    .insertInto('run_requirements')
    .values({ scope, requirements: text, creation_time: now, last_updated_time: now })
    .onConflict((oc) => oc.column('scope').doUpdateSet({ requirements: text, last_updated_time: now }))
    .returning(['creation_time', 'last_updated_time'])
    .executeTakeFirstOrThrow();
  return { creationTime: Number(stored.creation_time), lastUpdatedTime: Number(stored.last_updated_time) };
}

export async function deleteRequirements(db: Executor, scope: string): Promise<boolean> {
  const result = await db.deleteFrom('run_requirements').where('scope', '=', scope).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The requirements stored for these scopes (those that have any), in scope order. */
export async function findRequirements(db: Executor, scopes: readonly string[]): Promise<StoredRequirements[]> {
  if (scopes.length === 0) return [];
  const rows = await db
    .selectFrom('run_requirements')
    .selectAll()
    .where('scope', 'in', [...scopes])
    .orderBy('scope')
    .execute();
  return rows.map((row) => ({
    scope: row.scope,
    requirements: JSON.parse(row.requirements) as RunRequirements,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  }));
}

/** The teams holding the manager role on an experiment: the teams whose requirements its runs answer to. */
export async function managingTeams(db: Executor, experimentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_bindings')
    .select('subject_id')
    .where('subject_kind', '=', 'team')
    .where('resource_kind', '=', 'experiment')
    .where('resource_id', '=', experimentId)
    .where('role', '=', 'manager')
    .execute();
  return rows.map((row) => row.subject_id);
}

export async function saveCompleteness(
  db: Executor,
  runId: string,
  missing: readonly MissingItem[],
  now: number,
): Promise<void> {
  const row: RunCompletenessTable = {
    run_id: runId,
    complete: missing.length === 0 ? 1 : 0,
    missing: JSON.stringify(missing),
    evaluated_time: now,
  };
  await db
    .insertInto('run_completeness')
    .values(row)
    .onConflict((oc) =>
      oc.column('run_id').doUpdateSet({ complete: row.complete, missing: row.missing, evaluated_time: now }),
    )
    .execute();
}

export async function clearCompleteness(db: Executor, runId: string): Promise<void> {
  await db.deleteFrom('run_completeness').where('run_id', '=', runId).execute();
}

/** Completeness of several runs at once (runs never evaluated, unfinished or with nothing required, are absent). */
export async function findCompleteness(db: Executor, runIds: readonly string[]): Promise<Map<string, RunCompleteness>> {
  const rows: RunCompletenessTable[] = [];
  for (const chunk of inChunks(runIds, 10_000)) {
    rows.push(...(await db.selectFrom('run_completeness').selectAll().where('run_id', 'in', chunk).execute()));
  }
  return new Map(
    rows.map((row) => [
      row.run_id,
      {
        complete: Number(row.complete) === 1,
        missing: JSON.parse(row.missing) as MissingItem[],
        evaluatedTime: Number(row.evaluated_time),
      },
    ]),
  );
}

/**
 * What the lineage graph knows a run consumed: how many dataset versions (reported by OpenLineage or registered with
 * the run as consumer) and how many of them carry data-quality check results.
 */
export async function lineageInputsOf(
  db: Executor,
  runId: string,
): Promise<{ datasetVersions: number; qualityChecked: number }> {
  const edges = await db
    .selectFrom('lineage_edges')
    .select('from_node')
    .where('to_node', '=', `run:${runId}`)
    .where('edge_type', '=', 'consumed')
    .where('from_node', 'like', 'dataset_version:%')
    .execute();
  const versionIds = edges.map((e) => e.from_node.slice('dataset_version:'.length));
  let qualityChecked = 0;
  for (const chunk of inChunks(versionIds, 10_000)) {
    const rows = await db
      .selectFrom('lineage_dataset_versions')
      .select('quality_checks')
      .where('version_id', 'in', chunk)
      .execute();
    qualityChecked += rows.filter((row) => (JSON.parse(row.quality_checks) as unknown[]).length > 0).length;
  }
  return { datasetVersions: versionIds.length, qualityChecked };
}

/** The experiments a team manages: those whose runs answer to the team's requirements. */
export async function experimentsManagedBy(db: Executor, teamId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('role_bindings')
    .select('resource_id')
    .where('subject_kind', '=', 'team')
    .where('subject_id', '=', teamId)
    .where('resource_kind', '=', 'experiment')
    .where('role', '=', 'manager')
    .execute();
  return rows.map((row) => row.resource_id);
}

/** A page of an experiment's finished runs in run id order, after `afterRunId` ('' for the first page). */
export async function finishedRunsAfter(
  db: Executor,
  experimentId: string,
  afterRunId: string,
  limit: number,
): Promise<RunsTable[]> {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('experiment_id', '=', experimentId)
    .where('status', '=', 'FINISHED')
    .where('run_id', '>', afterRunId)
    .orderBy('run_id')
    .limit(limit)
    .execute();
}
