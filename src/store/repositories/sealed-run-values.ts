import { SEALED_PREFIX } from '../../domain/encryption/sealed-value.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import type { Executor } from '../store.js';

export type RunValueTable = 'run_params' | 'run_tags';

export interface RunValueRow {
  run_id: string;
  key: string;
  value: string;
}

/** Every param or tag of the given runs. */
export async function runValuesOf(
  db: Executor,
  table: RunValueTable,
  runIds: readonly string[],
): Promise<RunValueRow[]> {
  if (runIds.length === 0) return [];
  return db
    .selectFrom(table)
    .select(['run_id', 'key', 'value'])
    .where('run_id', 'in', [...runIds])
    .execute();
}

/** Replaces stored values of one run in place (a re-sealed value: the same key, another sealed form). */
export async function replaceRunValues(
  db: Executor,
  table: RunValueTable,
  runId: string,
  values: readonly KeyValue[],
): Promise<void> {
  for (const { key, value } of values) {
    await db.updateTable(table).set({ value }).where('run_id', '=', runId).where('key', '=', key).execute();
  }
}

/**
 * The stored sealed values of a table, a page at a time in (run_id, key) order after `after`: what a rotation's
 * progress report counts by key id. Only the sealed values are read, never the plain ones.
 */
export async function sealedRunValuesAfter(
  db: Executor,
  table: RunValueTable,
  after: { runId: string; key: string } | undefined,
  limit: number,
): Promise<RunValueRow[]> {
  let query = db
    .selectFrom(table)
    .select(['run_id', 'key', 'value'])
    .where('value', 'like', `${SEALED_PREFIX}%`)
    .orderBy('run_id')
    .orderBy('key')
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('run_id', '>', after.runId), eb.and([eb('run_id', '=', after.runId), eb('key', '>', after.key)])]),
    );
  }
  return query.execute();
}
