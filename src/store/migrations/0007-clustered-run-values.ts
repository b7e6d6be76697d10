import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Run search reads a run's params, tags and latest metrics by (run_id, key) thousands of times a query: to test
 * filters, to sort and to fill in the page. On SQLite those tables were rowid tables beside a (run_id, key) index,
 * so every lookup went down two B-trees; rebuilt WITHOUT ROWID they are clustered on (run_id, key) and a lookup is
 * one descent. Their (key, value) indexes then carry run_id, so an equality filter is answered from the index alone.
 *
 * The latest-metric index gains is_nan between key and value (on both databases): search walks it for one key,
 * skipping NaN, in value order, and no longer needs the table to learn whether a value is NaN.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    await rebuildClustered(db);
  } else {
    await db.schema.dropIndex('latest_metrics_key_value').execute();
  }
  await db.schema
    .createIndex('latest_metrics_key_value')
    .on('latest_metrics')
    .columns(['key', 'is_nan', 'value'])
    .execute();
}

async function rebuildClustered(db: Kysely<unknown>): Promise<void> {
  // SQLite's procedure for changing a table's form: build the new table, copy, drop, rename, in one transaction.
  // Foreign keys are off meanwhile (a no-op inside a transaction, so around it): otherwise DROP TABLE deletes every
  // row one by one first. The copied rows already satisfied their constraints.
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  const foreignKeys = rows[0]?.foreign_keys === 1;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      for (const table of ['run_params', 'run_tags'] as const) {
        await sql`create table ${sql.table(`${table}_clustered`)} (
            run_id text not null references runs (run_id) on delete cascade,
            key text not null,
            value text not null,
            constraint ${sql.ref(`${table}_pk`)} primary key (run_id, key)
          ) without rowid`.execute(trx);
        await moveInto(trx, table, ['run_id', 'key', 'value']);
        await trx.schema.createIndex(`${table}_key_value`).on(table).columns(['key', 'value']).execute();
      }
      await sql`create table latest_metrics_clustered (
          run_id text not null references runs (run_id) on delete cascade,
          key text not null,
          step bigint not null,
          timestamp bigint not null,
          value double precision not null,
          is_nan integer not null,
          constraint latest_metrics_pk primary key (run_id, key)
        ) without rowid`.execute(trx);
      await moveInto(trx, 'latest_metrics', ['run_id', 'key', 'step', 'timestamp', 'value', 'is_nan']);
    });
  } finally {
    if (foreignKeys) await sql`pragma foreign_keys = on`.execute(db);
  }
}

/** Copies `table` into `<table>_clustered` in primary-key order, drops it (with its indexes) and takes its name. */
async function moveInto(trx: Kysely<unknown>, table: string, columns: string[]): Promise<void> {
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const clustered = sql.table(`${table}_clustered`);
  await sql`insert into ${clustered} (${list}) select ${list} from ${sql.table(table)} order by run_id, key`.execute(
    trx,
  );
  await sql`drop table ${sql.table(table)}`.execute(trx);
  await sql`alter table ${clustered} rename to ${sql.table(table)}`.execute(trx);
}
