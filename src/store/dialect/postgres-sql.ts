import { CompiledQuery, type SqlBool, sql } from 'kysely';
import type { RunsTable } from '../schema.js';
import type { Executor } from '../store.js';
import { KEYED_VALUE_PREFIX } from './keyed-value-prefix.js';
import { postgresFullText } from './postgres-full-text.js';
import type { RunRowsWrite, SqlDialect } from './sql-dialect.js';

const postgresTexts = new Map<string, string>();

const BEGIN_SERIAL = CompiledQuery.raw('begin; set local max_parallel_workers_per_gather = 0');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * One INSERT … SELECT FROM unnest() with an array parameter per column, however many rows there are: the statement
 * text depends only on the table and columns, and binding a handful of arrays costs far less than a row of
 * parameters each.
 */
function bulkText(write: RunRowsWrite, firstParameter = 1, filter = ''): string {
  const names = write.columns.map((c) => c.name);
  const at = (i: number) => `$${firstParameter + i}`;
  const arrays = write.columns.map((c, i) => `${at(i + 1)}::${c.type}[]`);
  const trailing = write.trailing;
  const key = `${write.table}|${names.join(',')}|${trailing?.name ?? ''}|${write.conflict}|${firstParameter}|${filter}`;
  let text = postgresTexts.get(key);
  if (!text) {
    const into = ['run_id', ...names, ...(trailing ? [trailing.name] : [])];
    const selected = [
      `${at(0)}::text`,
      ...names.map((n) => `u.${n}`),
      ...(trailing ? [`${at(names.length + 1)}::${trailing.type}`] : []),
    ];
    text = `insert into ${write.table} (${into.join(', ')})
  select ${selected.join(', ')}
  from unnest(${arrays.join(', ')})
    as u(${names.join(', ')})
  ${filter}
  ${write.conflict}`;
    postgresTexts.set(key, text);
  }
  return text;
}

function bulkParameters(write: RunRowsWrite): unknown[] {
  const parameters: unknown[] = [write.runId, ...write.columns.map((c) => c.values)];
  if (write.trailing) parameters.push(write.trailing.value);
  return parameters;
}

export const postgresSql: SqlDialect = {
  name: 'postgres',
  fullText: postgresFullText,
  rowLocks: true,
  multiTableWrites: true,
  forUpdate: (query) => query.forUpdate(),
  plansFromStatistics: true,
  lookedUp: (column) => sql.ref(column),
  keyedValueEquals(column, value) {
    const prefix = sql`substr(${column}, 1, ${sql.lit(KEYED_VALUE_PREFIX)}) collate "C"`;
    // A value shorter than the prefix equals a stored one exactly when it equals its prefix (a longer stored value
    // has a longer prefix). Saying it once also keeps the planner from counting one condition's selectivity twice,
    // which made it misjudge how many runs match and pick a poor plan. (A string's length in JavaScript is never
    // below its length in characters, so the test is safe for any text.)
    if (value.length < KEYED_VALUE_PREFIX) return sql<SqlBool>`${prefix} = ${value}`;
    return sql<SqlBool>`${prefix} = substr(${value}::text, 1, ${sql.lit(KEYED_VALUE_PREFIX)}) and ${column} = ${value}`;
  },
  keyedValueOrder: (column) => [
    sql`substr(${column}, 1, ${sql.lit(KEYED_VALUE_PREFIX)}) collate "C"`,
    sql`${column} collate "C"`,
  ],
  byteOrder: (column) => sql`${column} collate "C"`,

  /**
   * A search that walks a sort index and stops once its page is full is a poor fit for a parallel plan, yet the
   * planner often picks one: each worker walks its share of the index and runs ahead of the merge that needs only the
   * first hundred matches, so three processes do the work of one several times over, on cores other requests need.
   * At 100,000 runs that was about 900 ms where the serial walk takes 20 ms. SET LOCAL ends with the transaction, so
   * the setting never reaches another request's statements on the pooled connection.
   */
  async withoutParallelWorkers<T>(db: Executor, read: (db: Executor) => Promise<T>): Promise<T> {
    // Inside a caller's transaction the setting lasts to its end, which only keeps its later reads serial too.
    if (db.isTransaction) {
      await sql`set local max_parallel_workers_per_gather = 0`.execute(db);
      return read(db);
    }
    // Otherwise BEGIN and SET LOCAL go as one simple query (no parameters, so both statements are allowed): a round
    // trip less for every search that walks an index, on a connection held to the end as a transaction holds it.
    return db.connection().execute(async (connection) => {
      await connection.executeQuery(BEGIN_SERIAL);
      try {
        const value = await read(connection);
        await connection.executeQuery(COMMIT);
        return value;
      } catch (error) {
        // As Kysely's own transactions do: the connection goes back to the pool with no transaction open.
        await connection.executeQuery(ROLLBACK).catch(() => {});
        throw error;
      }
    });
  },

  async writeRunRows(db, write) {
    const result = await db.executeQuery(CompiledQuery.raw(bulkText(write), bulkParameters(write)));
    return Number(result.numAffectedRows ?? 0);
  },

  async runStatements(db, statements) {
    // Without parameters the driver sends the text as a simple query, which may hold several statements.
    if (statements.length > 0) await db.executeQuery(CompiledQuery.raw(statements.join('; ')));
  },

  async writeRunRowsTogether(db, writes) {
    const parameters: unknown[] = [];
    const texts = writes.map((write) => {
      const text = bulkText(write, parameters.length + 1);
      parameters.push(...bulkParameters(write));
      return text;
    });
    const last = texts.pop();
    if (last === undefined) return;
    const earlier = texts.map((text, i) => `write_${i} as (${text})`);
    const text = earlier.length === 0 ? last : `with ${earlier.join(', ')}\n${last}`;
    await db.executeQuery(CompiledQuery.raw(text, parameters));
  },

  async writeMetricRowsAfterLatest(db, runId, firsts, guarded, unguarded) {
    const parameters: unknown[] = [
      runId,
      firsts.map((f) => f.key),
      firsts.map((f) => f.step),
      firsts.map((f) => f.timestamp),
    ];
    const active = "exists (select 1 from run where lifecycle_stage = 'active')";
    const texts: string[] = [];
    for (const [writes, filter] of [
      [guarded, `where u.key not in (select key from stale) and ${active}`],
      [unguarded, `where ${active}`],
    ] as const) {
      for (const write of writes) {
        texts.push(`write_${texts.length} as (${bulkText(write, parameters.length + 1, filter)})`);
        parameters.push(...bulkParameters(write));
      }
    }
    // Both reads see the snapshot the statement starts with, before its own upsert of the latest points.
    const text = `with run as (select * from runs where run_id = $1::text), stale as (
        select f.key from unnest($2::text[], $3::bigint[], $4::bigint[]) as f(key, step, timestamp)
        join latest_metrics l on l.run_id = $1::text and l.key = f.key
        where f.step < l.step or (f.step = l.step and f.timestamp <= l.timestamp)
      ), ${texts.join(', ')}
      select 'k' as part, key as value from stale union all select 'r', row_to_json(run)::text from run`;
    const { rows } = await db.executeQuery<{ part: string; value: string }>(CompiledQuery.raw(text, parameters));
    const held: string[] = [];
    let run: RunsTable | undefined;
    for (const row of rows) {
      if (row.part === 'k') held.push(row.value);
      else run = JSON.parse(row.value) as RunsTable;
    }
    return { held, run };
  },

  runIdTable: (runIds) => sql`unnest(${runIds}::text[]) as r (run_id)`,

  // The aggregates read an ordered subquery rather than each sorting its own rows (json_agg(x order by k)): that
  // ran one sort per column per run, which cost more than half of hydrating a page of runs (4.1 ms against 1.7 ms
  // for 50 runs of 35 values), while the subquery's index already yields the order. All aggregates of one node
  // read the same rows in the same sequence, so the columns stay aligned; a plain (not hashed, not parallel)
  // aggregate over a subquery scan reads it in its ORDER BY order.
  jsonColumns(columns, from, orderBy) {
    const aliased = columns.map((column, i) => `${column} as c${i}`).join(', ');
    const aggregates = columns.map((_, i) => `json_agg(c${i})`).join(', ');
    return sql.raw(
      `(select json_build_array(${aggregates}) from (select ${aliased} from ${from} order by ${orderBy}) s)`,
    );
  },

  // Each row's doubles as their 8 bytes (float8send: no decimal text to write or parse), all rows in one bytea sent
  // as base64. The aggregate takes the rows in the order the query yields them (a plain aggregate over a subquery
  // reads it in its ORDER BY order, which an index usually gives for free): sorting them again in the aggregate
  // took half of the statement (6,250 summaries: 14-16 ms against 7.5 ms).
  async numberRowsOf(db, rows, columns) {
    const packed = columns.map((column) => `float8send(coalesce(${column}::float8, 'NaN'))`).join(' || ');
    const read = await sql<{ packed: string | null }>`select encode(string_agg(${sql.raw(packed)}, ''::bytea),
      'base64') as packed from (${rows}) as rows`.execute(db);
    const text = read.rows[0]?.packed;
    if (!text) return new Float64Array(0);
    // Base64 rather than bytea's hex: a third fewer bytes for the driver to turn into a string and decode again.
    const bytes = Buffer.from(text, 'base64');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const numbers = new Float64Array(bytes.byteLength / 8);
    // float8send writes big-endian.
    for (let i = 0; i < numbers.length; i++) numbers[i] = view.getFloat64(i * 8);
    return numbers;
  },

  concatenated: (column, orderBy) => sql.raw<string>(`string_agg(${column}, '' order by ${orderBy})`),
};
