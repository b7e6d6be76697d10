import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Name completion searches `name LIKE 'prefix%'`. SQLite serves that from the ordinary name index (LIKE is
 * case-sensitive there, so the prefix is a range of the index). PostgreSQL only does so under the "C" collation;
 * under any other, including C.UTF-8, the name index cannot bound a LIKE, and a prefix search of models walked every
 * model in name order. An index in text_pattern_ops compares byte-wise, so the prefix becomes a range of it whatever
 * the database's collation.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`create index registered_models_name_pattern on registered_models (name text_pattern_ops)`.execute(db);
  await sql`create index experiments_name_pattern on experiments (name text_pattern_ops)`.execute(db);
}
