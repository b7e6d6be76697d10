import type { Kysely } from 'kysely';

/**
 * An OpenLineage input that names no version read the dataset's newest one, so every such event asks for the latest
 * version of the datasets it reads. Indexed only on (dataset_id, version_key), that lookup fetched every version of
 * the dataset and sorted them to keep one: a pipeline that writes a new version per run made each later event slower
 * than the one before. Ordered by (created_time, version_id) within the dataset, the newest version is the last
 * entry of the dataset's range, one index descent however many versions it has.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('lineage_dataset_versions_recency')
    .on('lineage_dataset_versions')
    .columns(['dataset_id', 'created_time', 'version_id'])
    .execute();
}
