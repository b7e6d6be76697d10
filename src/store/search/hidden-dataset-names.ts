import { sql } from 'kysely';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import type { Executor } from '../store.js';
import { visibilityCondition } from './visibility-condition.js';

/**
 * Names of the lineage datasets the caller may not read. Similarity compares datasets by name, so these are taken out
 * of every profile before comparing: a restricted dataset is never named as a reason nor lets a match through.
 */
export async function hiddenDatasetNames(db: Executor, visible: ReadableSet): Promise<Set<string>> {
  const readable = visibilityCondition('dataset_id', visible);
  if (!readable) return new Set();
  const rows = await db
    .selectFrom('lineage_datasets')
    .select('name')
    .distinct()
    .where(sql<boolean>`not (${readable})`)
    .execute();
  return new Set(rows.map((r) => r.name));
}
