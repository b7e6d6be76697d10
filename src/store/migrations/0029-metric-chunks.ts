import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../store.js';

/**
 * Metric points move from a row each to chunks (see domain/metrics/metric-chunks.ts): a row per run, key, batch and
 * up to a thousand points, holding three packed columns. The key orders a series' chunks by their first step, so a
 * range read starts at the chunks it needs; the chunk's last step sits in the row beside it so the read stops
 * testing a chunk without reading its columns (SQLite keeps them in overflow pages, PostgreSQL in TOAST).
 *
 * Existing point rows stay in `metrics` until openStore converts them, a series per transaction (see
 * store/metric-point-conversion.ts): a conversion interrupted part-way resumes where it stopped.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  const table = db.schema
    .createTable('metric_chunks')
    .addColumn('run_id', 'text', (c) => c.notNull().references('runs.run_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('first_step', 'bigint', (c) => c.notNull())
    // The batch that stored the points (0 for points logged before batches were numbered) and the chunk's place
    // among that batch's chunks of the key.
    .addColumn('batch', 'bigint', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('last_step', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('encoding', 'integer', (c) => c.notNull())
    .addColumn('steps', sql.raw(blob), (c) => c.notNull())
    .addColumn('timestamps', sql.raw(blob), (c) => c.notNull())
    .addColumn('vals', sql.raw(blob), (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_chunks_pk', ['run_id', 'key', 'first_step', 'batch', 'part']);
  await (dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table).execute();
  // Where each chunk lies, without its columns: paging and finding a range's ends read only this small index,
  // where the table's rows hold kilobytes of packed points each (a page or more of them per row).
  await db.schema
    .createIndex('metric_chunk_spans')
    .on('metric_chunks')
    .columns(['run_id', 'key', 'first_step', 'batch', 'part', 'last_step', 'count'])
    .execute();
  if (dialect === 'postgres') {
    // The columns are already packed: compressing them again costs ingest time for little.
    for (const column of ['steps', 'timestamps', 'vals']) {
      await sql`alter table metric_chunks alter column ${sql.ref(column)} set storage external`.execute(db);
    }
  }
}
