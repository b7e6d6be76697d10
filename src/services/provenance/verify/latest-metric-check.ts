import type { Executor } from '../../../store/store.js';

/**
 * The per-key "latest" values that search and run pages read are derived from the points: each must be a stored
 * point with the highest step (then timestamp) of its key, and every key with points must have one. Returns what is
 * wrong, if anything.
 */
export async function latestMetricProblems(db: Executor, runId: string): Promise<string[]> {
  const problems: string[] = [];
  const latest = await db.selectFrom('latest_metrics').selectAll().where('run_id', '=', runId).orderBy('key').execute();
  const keys = await db.selectFrom('metrics').select('key').distinct().where('run_id', '=', runId).execute();
  const latestKeys = new Set(latest.map((l) => l.key));
  for (const { key } of keys) {
    if (!latestKeys.has(key)) problems.push(`metric '${key}' has points but no latest value`);
  }
  for (const row of latest) {
    const newest = await db
      .selectFrom('metrics')
      .select(['step', 'timestamp'])
      .where('run_id', '=', runId)
      .where('key', '=', row.key)
      .orderBy('step', 'desc')
      .orderBy('timestamp', 'desc')
      .limit(1)
      .executeTakeFirst();
    const exact = await db
      .selectFrom('metrics')
      .select('step')
      .where('run_id', '=', runId)
      .where('key', '=', row.key)
      .where('step', '=', row.step)
      .where('timestamp', '=', row.timestamp)
      .where('is_nan', '=', row.is_nan)
      .where('value', '=', row.value)
      .executeTakeFirst();
    const shown = row.is_nan ? 'NaN' : String(row.value);
    if (!newest || !exact) {
      problems.push(`the latest value of metric '${row.key}' (${shown} at step ${row.step}) is not a logged point`);
    } else if (newest.step !== row.step || newest.timestamp !== row.timestamp) {
      problems.push(
        `the latest value of metric '${row.key}' is from step ${row.step} but points go up to step ${newest.step}`,
      );
    }
  }
  return problems;
}
