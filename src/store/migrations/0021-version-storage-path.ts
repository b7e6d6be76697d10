import type { Kysely } from 'kysely';

/**
 * Every artifact write and delete asks whether the path holds the files of a registered model version, which must
 * never change: by storage path, that is one index probe per ancestor of the path plus one range for what lies below.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('model_versions_storage_path').on('model_versions').column('storage_path').execute();
}
