import type { Kysely } from 'kysely';

/**
 * What each model version declares it needs, and the history of each deployment target's environment: every change
 * of a target's environment is a new numbered version, so what a target ran at any moment can be answered.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('model_version_dependencies')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // JSON: the declarations, what was skipped, and whether pre-releases were asked for.
    .addColumn('document', 'text', (c) => c.notNull())
    // `files` when read from the model's files at registration, `api` when declared or corrected.
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_dependencies_pk', ['model_id', 'version'])
    .execute();
  await db.schema
    .createTable('target_environment_versions')
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('environment_id', 'text', (c) => c.notNull())
    // The report it was read from (pip-freeze, uv-lock…), for people reading the history.
    .addColumn('source_format', 'text', (c) => c.notNull())
    .addColumn('set_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('target_environment_versions_pk', ['target_id', 'version'])
    .execute();
}
