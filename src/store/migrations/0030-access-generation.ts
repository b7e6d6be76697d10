import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

const WATCHED = ['role_bindings', 'restricted_resources'] as const;

/**
 * A generation number that moves on, in the same transaction, with every change to role bindings and restrictions.
 * Triggers move it, so no write path — a service, a later feature, an operator's SQL — can change what someone may
 * do without it. A server reads the generation in the query that authenticates each request and keeps the bindings it
 * read under the generation they were read in: a change committed on any replica is seen by the next request
 * everywhere, with no message between replicas and no extra query.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('access_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into access_generation (id, generation) values (1, 0)`.execute(db);
  if (dialect === 'postgres') {
    await sql`
      create or replace function mnemo_next_access_generation() returns trigger language plpgsql as $$
      begin
        update access_generation set generation = generation + 1 where id = 1;
        return null;
      end
      $$`.execute(db);
    for (const table of WATCHED) {
      await sql`
        create trigger ${sql.id(`${table}_next_access_generation`)}
        after insert or update or delete or truncate on ${sql.id(table)}
        for each statement execute function mnemo_next_access_generation()`.execute(db);
    }
    return;
  }
  for (const table of WATCHED) {
    for (const event of ['insert', 'update', 'delete'] as const) {
      await sql`
        create trigger ${sql.id(`${table}_${event}_next_access_generation`)}
        after ${sql.raw(event)} on ${sql.id(table)}
        begin
          update access_generation set generation = generation + 1 where id = 1;
        end`.execute(db);
    }
  }
}
