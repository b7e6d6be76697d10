import type { StageTransition } from '../../../domain/registry/entities.js';
import type { Stage } from '../../../domain/registry/stages.js';
import type { ModelVersionTransitionsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';

export async function recordTransitions(db: Executor, rows: readonly ModelVersionTransitionsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('model_version_transitions')
    .values([...rows])
    .execute();
}

export async function transitionHistory(
  db: Executor,
  modelId: string,
  name: string,
  version: number,
): Promise<StageTransition[]> {
  const rows = await db
    .selectFrom('model_version_transitions')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('transition_time')
    .orderBy('transition_id')
    .execute();
  return rows.map((row) => ({
    name,
    version,
    fromStage: row.from_stage as Stage | null,
    toStage: row.to_stage as Stage,
    actor: row.actor,
    reason: row.reason,
    time: Number(row.transition_time),
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.approved_by ? { approvedBy: JSON.parse(row.approved_by) as string[] } : {}),
  }));
}
