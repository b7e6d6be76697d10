import type { PathStep } from '../../../domain/lineage/impact.js';
import type {
  RevalidationCauseKind,
  RevalidationClearance,
  RevalidationFlag,
} from '../../../domain/registry/revalidation.js';
import type { ModelVersionRevalidationsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';

export async function insertFlag(db: Executor, row: ModelVersionRevalidationsTable): Promise<void> {
  await db.insertInto('model_version_revalidations').values(row).execute();
}

/** The open flag a version holds for one replaced node, if any: a newer change to it moves that flag on. */
export async function findOpenFlag(
  db: Executor,
  modelId: string,
  version: number,
  replacedNode: string,
): Promise<ModelVersionRevalidationsTable | undefined> {
  return db
    .selectFrom('model_version_revalidations')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('replaced_node', '=', replacedNode)
    .where('cleared_time', 'is', null)
    .executeTakeFirst();
}

export async function updateFlag(
  db: Executor,
  flagId: string,
  changes: Partial<Omit<ModelVersionRevalidationsTable, 'flag_id'>>,
): Promise<void> {
  await db.updateTable('model_version_revalidations').set(changes).where('flag_id', '=', flagId).execute();
}

/** A version's open flags (not yet cleared), oldest first. */
export function openFlagRowsOf(
  db: Executor,
  modelId: string,
  version: number,
): Promise<ModelVersionRevalidationsTable[]> {
  return flagRowsOf(db, modelId, version, { openOnly: true });
}

/** A version's flags, cleared ones too unless `openOnly`, oldest first. */
export async function flagRowsOf(
  db: Executor,
  modelId: string,
  version: number,
  options: { openOnly?: boolean } = {},
): Promise<ModelVersionRevalidationsTable[]> {
  return db
    .selectFrom('model_version_revalidations')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .$if(options.openOnly === true, (q) => q.where('cleared_time', 'is', null))
    .orderBy('raised_time')
    .orderBy('flag_id')
    .execute();
}

/** The open flags of the given versions of one model, in one read, oldest first. */
export async function openFlagRowsOfVersions(
  db: Executor,
  modelId: string,
  versions: readonly number[],
): Promise<ModelVersionRevalidationsTable[]> {
  if (versions.length === 0) return [];
  return db
    .selectFrom('model_version_revalidations')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', 'in', [...versions])
    .where('cleared_time', 'is', null)
    .orderBy('raised_time')
    .orderBy('flag_id')
    .execute();
}

export async function hasOpenFlag(db: Executor, modelId: string, version: number): Promise<boolean> {
  const row = await db
    .selectFrom('model_version_revalidations')
    .select('flag_id')
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .where('cleared_time', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Flags newest first, open ones only unless asked, of live versions of the given models (all models when `modelIds`
 * is undefined), at most `limit`.
 */
export async function listFlagRows(
  db: Executor,
  filter: { modelIds?: readonly string[]; excludeModelIds?: readonly string[]; includeCleared: boolean; limit: number },
): Promise<ModelVersionRevalidationsTable[]> {
  if (filter.modelIds !== undefined && filter.modelIds.length === 0) return [];
  let query = db
    .selectFrom('model_version_revalidations as f')
    .innerJoin('model_versions as v', (join) =>
      join.onRef('v.model_id', '=', 'f.model_id').onRef('v.version', '=', 'f.version'),
    )
    .selectAll('f')
    .where('v.deleted_time', 'is', null);
  if (!filter.includeCleared) query = query.where('f.cleared_time', 'is', null);
  if (filter.modelIds !== undefined) query = query.where('f.model_id', 'in', [...filter.modelIds]);
  if (filter.excludeModelIds !== undefined && filter.excludeModelIds.length > 0) {
    query = query.where('f.model_id', 'not in', [...filter.excludeModelIds]);
  }
  return query.orderBy('f.raised_time', 'desc').orderBy('f.flag_id').limit(filter.limit).execute();
}

/** A stored row as the domain reads it; `name` is the model's current name. */
export function flagOf(row: ModelVersionRevalidationsTable, name: string): RevalidationFlag {
  const cleared: RevalidationClearance | null =
    row.cleared_time === null
      ? null
      : {
          time: Number(row.cleared_time),
          by: row.cleared_by as RevalidationClearance['by'],
          actor: row.cleared_actor ?? '',
          reason: row.cleared_reason ?? '',
        };
  return {
    id: row.flag_id,
    modelId: row.model_id,
    name,
    version: Number(row.version),
    cause: {
      kind: row.cause_kind as RevalidationCauseKind,
      upstreamNodeId: row.upstream_node,
      upstreamLabel: row.upstream_label,
      replacedNodeId: row.replaced_node,
      description: row.description,
    },
    path: JSON.parse(row.path) as PathStep[],
    raisedTime: Number(row.raised_time),
    cleared,
  };
}
