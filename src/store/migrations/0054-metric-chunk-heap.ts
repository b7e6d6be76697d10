import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

const COLUMNS = [
  'run_id',
  'key',
  'first_step',
  'batch',
  'part',
  'last_step',
  'count',
  'encoding',
  'steps',
  'timestamps',
  'vals',
] as const;

/**
 * On SQLite, metric chunks move from a table clustered by (run, key, first step) to a rowid table, where each batch's
 * chunks are appended side by side, found through the `metric_chunk_spans` index (now unique, as the primary key was).
 *
 * Clustered, a batch inserted its chunks in as many places in the B-tree as it had keys, each near the end of its
 * key's range, where rows of up to a kilobyte fill a leaf after a few inserts; SQLite then rebalances that leaf with two
 * of its siblings and rewrites their parent. A batch of ten metrics rewrote 24 pages of the table (as many as 29 for
 * 100 points a key) and every one went to the WAL at commit. Appended, the same chunks take 3 or 4 pages; the spans
 * index, whose entries are small, still takes a page per key. Reads barely notice: a range is found in the index as
 * before, and each chunk is then one lookup by rowid. PostgreSQL already stores rows that way (a heap beside its
 * indexes) and is left as it is.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'sqlite') return;
  // As in 0007: foreign keys off around (not inside) the transaction, or DROP TABLE deletes every row one by one.
  const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
  const foreignKeys = rows[0]?.foreign_keys === 1;
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create table metric_chunks_heap (
          run_id text not null references runs (run_id) on delete cascade,
          key text not null,
          first_step bigint not null,
          batch bigint not null,
          part integer not null,
          last_step bigint not null,
          count integer not null,
          encoding integer not null,
          steps blob not null,
          timestamps blob not null,
          vals blob not null
        )`.execute(trx);
      const list = sql.join(COLUMNS.map((c) => sql.ref(c)));
      // In the old key order, so a series' existing chunks stay next to each other.
      await sql`insert into metric_chunks_heap (${list}) select ${list} from metric_chunks
        order by run_id, key, first_step, batch, part`.execute(trx);
      await sql`drop table metric_chunks`.execute(trx);
      await sql`alter table metric_chunks_heap rename to metric_chunks`.execute(trx);
      // Unique over the span's columns: (run, key, first step, batch, part) names a chunk, and the same batch stored
      // twice has the same last step and count, so a retried batch still finds its rows there.
      await sql`create unique index metric_chunk_spans
        on metric_chunks (run_id, key, first_step, batch, part, last_step, count)`.execute(trx);
    });
  } finally {
    if (foreignKeys) await sql`pragma foreign_keys = on`.execute(db);
  }
}
