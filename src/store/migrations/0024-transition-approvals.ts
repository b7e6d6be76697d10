import type { Kysely } from 'kysely';

/**
 * Protected transitions: which stages and aliases of a model need approval, the requests to move a version there,
 * everything said and decided on each request, and which approvers a stage change went through.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('protection_rules')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('stages', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('approvals', 'integer', (c) => c.notNull())
    .addColumn('teams', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('transition_requests')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('archive_existing', 'integer', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('required_approvals', 'integer', (c) => c.notNull())
    .addColumn('required_teams', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('expiry_time', 'bigint', (c) => c.notNull())
    .addColumn('decision_time', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('decision_comment', 'text')
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('transition_requests_version')
    .on('transition_requests')
    .columns(['model_id', 'version', 'status'])
    .execute();
  await db.schema
    .createIndex('transition_requests_status')
    .on('transition_requests')
    .columns(['status', 'expiry_time'])
    .execute();

  await db.schema
    .createTable('transition_request_activity')
    .addColumn('activity_id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('teams', 'text', (c) => c.notNull())
    .addColumn('activity_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('transition_request_activity_request')
    .on('transition_request_activity')
    .columns(['request_id', 'activity_time'])
    .execute();

  // A stage change that completed a request names it and its approvers in the version's history.
  await db.schema.alterTable('model_version_transitions').addColumn('request_id', 'text').execute();
  await db.schema.alterTable('model_version_transitions').addColumn('approved_by', 'text').execute();
}
