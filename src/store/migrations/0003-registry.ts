import type { Kysely } from 'kysely';

/**
 * The model registry: registered models and their numbered versions (with tags, aliases, stage history,
 * evaluations and checks), versioned metadata schemas per subject, tag vocabularies and naming rules.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registered_models')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('owner_team', 'text')
    .addColumn('purpose', 'text')
    .addColumn('algorithm_family', 'text')
    .addColumn('task_type', 'text')
    .addColumn('intended_use', 'text')
    .addColumn('limitations', 'text')
    .addColumn('latency_budget_ms', 'double precision')
    .addColumn('regulatory_flags', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('metadata_schema_subject', 'text')
    .addColumn('metadata_schema_version', 'integer')
    .addColumn('last_version', 'integer', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('registered_model_tags')
    .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.model_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_id', 'key'])
    .execute();

  await db.schema
    .createTable('model_versions')
    .addColumn('model_id', 'text', (c) => c.notNull().references('registered_models.model_id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('storage_path', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('manifest', 'text', (c) => c.notNull())
    .addColumn('manifest_digest', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('release_notes', 'text')
    .addColumn('deprecated_by', 'integer')
    .addColumn('sunset_time', 'bigint')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('metadata_schema_subject', 'text')
    .addColumn('metadata_schema_version', 'integer')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .addColumn('deleted_time', 'bigint')
    // The primary key is the last line of defence against two versions sharing a number.
    .addPrimaryKeyConstraint('model_versions_pk', ['model_id', 'version'])
    .execute();
  await db.schema.createIndex('model_versions_run').on('model_versions').column('run_id').execute();

  await db.schema
    .createTable('model_version_tags')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['model_id', 'version', 'key'])
    .addForeignKeyConstraint(
      'model_version_tags_version',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('model_aliases')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_aliases_pk', ['model_id', 'alias'])
    .addForeignKeyConstraint(
      'model_aliases_version',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('model_version_transitions')
    .addColumn('transition_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('transition_time', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'model_version_transitions_version',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('model_version_transitions_version')
    .on('model_version_transitions')
    .columns(['model_id', 'version', 'transition_time'])
    .execute();

  await db.schema
    .createTable('model_version_evaluations')
    .addColumn('evaluation_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('slice', 'text', (c) => c.notNull())
    .addColumn('dataset_version', 'text')
    .addColumn('recorded_time', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'model_version_evaluations_version',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('model_version_evaluations_version')
    .on('model_version_evaluations')
    .columns(['model_id', 'version'])
    .execute();

  await db.schema
    .createTable('model_version_checks')
    .addColumn('check_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('threshold', 'double precision')
    .addColumn('slice', 'text')
    .addColumn('dataset_version', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('recorded_time', 'bigint', (c) => c.notNull())
    .addForeignKeyConstraint(
      'model_version_checks_version',
      ['model_id', 'version'],
      'model_versions',
      ['model_id', 'version'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('model_version_checks_version')
    .on('model_version_checks')
    .columns(['model_id', 'version'])
    .execute();

  await db.schema
    .createTable('metadata_subjects')
    .addColumn('subject', 'text', (c) => c.primaryKey())
    .addColumn('compatibility', 'text', (c) => c.notNull())
    .addColumn('last_version', 'integer', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('metadata_schemas')
    .addColumn('subject', 'text', (c) => c.notNull().references('metadata_subjects.subject'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('schema', 'text', (c) => c.notNull())
    .addColumn('schema_digest', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('metadata_schemas_pk', ['subject', 'version'])
    .execute();

  await db.schema
    .createTable('tag_vocabularies')
    .addColumn('tag_key', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('allowed_values', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('naming_rules')
    .addColumn('entity_kind', 'text', (c) => c.primaryKey())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
}
