import type { Kysely } from 'kysely';

/**
 * Who may use the server and what each may do: principals (people and service accounts), teams, API tokens (only
 * their hashes), browser sessions, role bindings and the resources marked restricted. Sessions and revocations live
 * here rather than in a server's memory so that every replica sharing the database sees a sign-out or a revoked
 * token at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('principals')
    .addColumn('principal_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('display_name', 'text')
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('oidc_subject', 'text', (c) => c.unique())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('last_login_time', 'bigint')
    .execute();

  await db.schema
    .createTable('teams')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('is_maintainer', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'principal_id'])
    .execute();
  await db.schema.createIndex('team_members_principal').on('team_members').columns(['principal_id']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('token_id', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text')
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('expires_time', 'bigint')
    .addColumn('last_used_time', 'bigint')
    .addColumn('revoked_time', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_principal').on('api_tokens').columns(['principal_id']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('session_hash', 'text', (c) => c.primaryKey())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addColumn('expires_time', 'bigint', (c) => c.notNull())
    .addColumn('revoked_time', 'bigint')
    .execute();

  await db.schema
    .createTable('role_bindings')
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('resource_kind', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_bindings_pk', ['subject_kind', 'subject_id', 'resource_kind', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('role_bindings_resource')
    .on('role_bindings')
    .columns(['resource_kind', 'resource_id'])
    .execute();

  await db.schema
    .createTable('restricted_resources')
    .addColumn('resource_kind', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('restricted_resources_pk', ['resource_kind', 'resource_id'])
    .execute();
}
