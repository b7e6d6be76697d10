import { sql } from 'kysely';
import type { Executor } from '../store.js';

/** The run child tables whose rows are keyed values: params, tags and latest metric values. */
export type KeyedRunTable = 'run_params' | 'run_tags' | 'latest_metrics';

/**
 * The distinct keys of a run child table among an experiment's active runs, sorted, at most `limit` of them.
 *
 * Each of these tables has an index led by key, so the table's distinct keys are walked as a skip scan — one index
 * seek per key, a recursive query asking for the smallest key after the last one — and a key is kept when an active
 * run of the experiment has it, a probe that stops at its first hit. A database holds few distinct keys beside its
 * rows (tens or hundreds of keys over millions of rows), so this reads a few hundred index entries where DISTINCT
 * over the join read every row of the experiment's runs (seconds at 100,000 runs). The probe is a scalar subquery
 * with LIMIT 1 rather than EXISTS because PostgreSQL turns EXISTS into a semi-join over every row of the table.
 * The BETWEEN restates the equality on purpose: PostgreSQL estimates an equality with a value known only at run time
 * at the table's average (a twentieth of it for twenty keys), expects a sequential scan to meet a match at once and
 * reads the whole table for a key that few runs have; with the range its estimate is small and it probes the index.
 * The cost grows with the number of distinct keys in the whole database, and a key common elsewhere but absent
 * from this experiment is probed through its rows until that is known.
 */
export async function distinctRunKeys(
  db: Executor,
  table: KeyedRunTable,
  experimentId: string,
  limit: number,
): Promise<string[]> {
  const keyed = sql.table(table);
  const { rows } = await sql<{ key: string }>`
    with recursive candidates (key) as (
      select min(key) from ${keyed}
      union all
      select (select min(following.key) from ${keyed} following where following.key > candidates.key)
      from candidates
      where candidates.key is not null
    )
    select candidates.key from candidates
    where candidates.key is not null
      and (
        select 1 from ${keyed} owned
        inner join runs on runs.run_id = owned.run_id
        where owned.key = candidates.key
          and owned.key between candidates.key and candidates.key
          and runs.experiment_id = ${experimentId}
          and runs.lifecycle_stage = 'active'
        limit 1
      ) = 1
    order by candidates.key
    limit ${limit}`.execute(db);
  return rows.map((row) => row.key);
}
