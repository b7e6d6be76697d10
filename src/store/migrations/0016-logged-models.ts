import type { Kysely } from 'kysely';

/**
 * MLflow 3's LoggedModels: a model logged from a run (or on its own) with its tags, params, the metrics logged
 * against it, the files uploaded below its artifact location, and the runs that produced or consumed it. Model
 * versions registered from one remember it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('logged_models')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', 'text', (c) => c.notNull().references('experiments.experiment_id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('model_type', 'text', (c) => c.notNull())
    .addColumn('source_run_id', 'text')
    .addColumn('lifecycle_stage', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('logged_models_experiment_created')
    .on('logged_models')
    .columns(['experiment_id', 'creation_time'])
    .execute();
  await db.schema.createIndex('logged_models_source_run').on('logged_models').column('source_run_id').execute();

  for (const table of ['logged_model_tags', 'logged_model_params']) {
    await db.schema
      .createTable(table)
      .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['model_id', 'key'])
      .execute();
  }

  // The latest value of each metric per run and dataset it was logged for ('' when none): what MLflow answers.
  await db.schema
    .createTable('logged_model_metrics')
    .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('dataset_name', 'text', (c) => c.notNull())
    .addColumn('dataset_digest', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('logged_model_metrics_pk', ['model_id', 'key', 'run_id', 'dataset_name', 'dataset_digest'])
    .execute();

  await db.schema
    .createTable('logged_model_files')
    .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('logged_model_files_pk', ['model_id', 'path'])
    .execute();

  // direction: 'output' (the run produced the model, at a step) or 'input' (the run used it).
  await db.schema
    .createTable('run_model_links')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull().references('logged_models.model_id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('step', 'bigint')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('run_model_links_pk', ['run_id', 'direction', 'model_id'])
    .execute();
  await db.schema.createIndex('run_model_links_model').on('run_model_links').column('model_id').execute();

  await db.schema.alterTable('model_versions').addColumn('logged_model_id', 'text').execute();
  await db.schema.createIndex('model_versions_logged_model').on('model_versions').column('logged_model_id').execute();
}
