import type { Kysely } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Who owns an experiment or a dataset: a user, a team, or both. One row per owned entity, keyed `<kind>:<id>` so the
 * audit log and the verifier name it with one string; principals and teams by id, so renaming one keeps ownership.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('owners')
    .addColumn('owner_key', 'text', (c) => c.primaryKey())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'text')
    .addColumn('owner_team_id', 'text')
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addColumn('updated_time', 'bigint', (c) => c.notNull())
    .execute();
  // The owner filter of the experiment list looks entities up by their owner.
  await db.schema.createIndex('owners_by_user').on('owners').columns(['entity_kind', 'owner_user_id']).execute();
  await db.schema.createIndex('owners_by_team').on('owners').columns(['entity_kind', 'owner_team_id']).execute();
}
