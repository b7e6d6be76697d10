import type { Executor } from '../store.js';

/** What a team owns, as its dashboard aggregates it. */

/** Live experiments the team holds the manager role on (the experiments its run requirements apply to), by name. */
export async function liveExperimentsManagedBy(
  db: Executor,
  teamId: string,
): Promise<{ experimentId: string; name: string }[]> {
  const rows = await db
    .selectFrom('role_bindings as b')
    .innerJoin('experiments as e', 'e.experiment_id', 'b.resource_id')
    .select(['e.experiment_id', 'e.name'])
    .where('b.subject_kind', '=', 'team')
    .where('b.subject_id', '=', teamId)
    .where('b.resource_kind', '=', 'experiment')
    .where('b.role', '=', 'manager')
    .where('e.lifecycle_stage', '=', 'active')
    .orderBy('e.name', 'asc')
    .execute();
  return rows.map((r) => ({ experimentId: r.experiment_id, name: r.name }));
}

/** Registered models whose model card names the team as owner, by name. */
export async function modelsOwnedBy(db: Executor, teamName: string): Promise<{ modelId: string; name: string }[]> {
  const rows = await db
    .selectFrom('registered_models')
    .select(['model_id', 'name'])
    .where('owner_team', '=', teamName)
    .orderBy('name', 'asc')
    .execute();
  return rows.map((r) => ({ modelId: r.model_id, name: r.name }));
}
