import type { LineageOpenLineageEventsTable } from '../schema-lineage.js';
import type { Executor } from '../store.js';

/** How many OpenLineage events are stored under a run. */
export async function openLineageEventCount(db: Executor, olRunId: string): Promise<number> {
  const stored = await db
    .selectFrom('lineage_openlineage_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('ol_run_id', '=', olRunId)
    .executeTakeFirstOrThrow();
  return Number(stored.n);
}

/** Ids, after `afterId` in id order, of OpenLineage runs that have stored events but no run row. */
export async function runlessOpenLineageRunsAfter(db: Executor, afterId: string, limit: number): Promise<string[]> {
  const orphans = await db
    .selectFrom('lineage_openlineage_events as e')
    .leftJoin('lineage_openlineage_runs as r', 'r.ol_run_id', 'e.ol_run_id')
    .select('e.ol_run_id')
    .distinct()
    .where('r.ol_run_id', 'is', null)
    .where('e.ol_run_id', '>', afterId)
    .orderBy('e.ol_run_id')
    .limit(limit)
    .execute();
  return orphans.map((o) => o.ol_run_id);
}

/** Ids, after `afterId` in id order, of the OpenLineage events stored under a run. */
export async function openLineageEventIdsAfter(
  db: Executor,
  olRunId: string,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('lineage_openlineage_events')
    .select('event_id')
    .where('ol_run_id', '=', olRunId)
    .where('event_id', '>', afterId)
    .orderBy('event_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.event_id);
}

/** The stored OpenLineage events with these ids, under whichever run. */
export function openLineageEventsById(db: Executor, ids: readonly string[]): Promise<LineageOpenLineageEventsTable[]> {
  return db
    .selectFrom('lineage_openlineage_events')
    .selectAll()
    .where('event_id', 'in', [...ids])
    .execute();
}
