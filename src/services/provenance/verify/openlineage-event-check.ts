import { describeDifferences, type ProblemLog } from '../../../domain/provenance/verification-report.js';
import { entitiesWithEvents } from '../../../store/readers/audit-event-reads.js';
import {
  openLineageEventCount,
  openLineageEventIdsAfter,
  openLineageEventsById,
  runlessOpenLineageRunsAfter,
} from '../../../store/readers/openlineage-reads.js';
import type { Executor } from '../../../store/store.js';
import { openLineageEventRecord } from '../../lineage/openlineage-records.js';
import { type EntityEvent, entityEvents } from './entity-events.js';
import { isObject } from './recorded-state.js';

const BATCH = 100;
/** Recorded by every server that stored OpenLineage events; the others only from the servers that record them. */
const ALWAYS_RECORDED = ['eventId', 'eventType', 'eventTime'] as const;
const RECORDED_SINCE = ['payloadDigest', 'receivedTime'] as const;

/**
 * The stored events of one OpenLineage run against the audit events that accepted them, read a batch at a time:
 * each recorded event must still be stored under this run with the type, time, payload digest and receipt time
 * it was accepted with, and the run must hold no stored event the log never accepted.
 */
export async function openLineageEventProblems(db: Executor, olRunId: string, problems: ProblemLog): Promise<void> {
  let matched = 0;
  /** An event whose state was not kept cannot say which stored event it accepted. */
  let unknown = false;
  let batch: EntityEvent[] = [];
  const check = async () => {
    const result = await checkBatch(db, olRunId, batch, problems);
    matched += result.matched;
    unknown ||= result.unknown;
    batch = [];
  };
  for await (const event of entityEvents(db, 'openlineage_run', olRunId)) {
    batch.push(event);
    if (batch.length === BATCH) await check();
  }
  if (batch.length > 0) await check();
  if (unknown) return;
  if ((await openLineageEventCount(db, olRunId)) > matched) await reportUnrecorded(db, olRunId, problems);
}

/**
 * Stored events of OpenLineage runs that have no run row: those of a run the log never recorded were inserted
 * directly (a run the log recorded whose row is gone is reported as such, with its events).
 */
export async function orphanOpenLineageEventProblems(db: Executor, problems: ProblemLog): Promise<void> {
  let after = '';
  for (;;) {
    const ids = await runlessOpenLineageRunsAfter(db, after, 200);
    if (ids.length === 0) return;
    const known = await entitiesWithEvents(db, 'openlineage_run', ids);
    for (const id of ids) if (!known.has(id)) await reportUnrecorded(db, id, problems, new Set());
    after = ids.at(-1)!;
  }
}

async function checkBatch(
  db: Executor,
  olRunId: string,
  events: EntityEvent[],
  problems: ProblemLog,
): Promise<{ matched: number; unknown: boolean }> {
  const recorded = events.filter((e) => isObject(e.state) && typeof e.state.eventId === 'string');
  const ids = recorded.map((e) => (e.state as { eventId: string }).eventId);
  const rows = ids.length === 0 ? [] : await openLineageEventsById(db, ids);
  const byId = new Map(rows.map((row) => [row.event_id, row]));
  let matched = 0;
  for (const event of recorded) {
    const state = event.state as Record<string, unknown>;
    const eventId = state.eventId as string;
    const label = `OpenLineage event ${eventId} of run ${olRunId}`;
    const row = byId.get(eventId);
    if (!row) {
      problems.add({
        seq: event.seq,
        kind: 'entity-missing',
        message: `${label}, recorded by event ${event.seq}, was deleted from the database`,
      });
      continue;
    }
    if (row.ol_run_id === olRunId) matched += 1;
    const fields = [...ALWAYS_RECORDED, ...RECORDED_SINCE.filter((field) => field in state)];
    const current: Record<string, unknown> = { ...openLineageEventRecord(row) };
    const was: Record<string, unknown> = { olRunId };
    const now: Record<string, unknown> = { olRunId: row.ol_run_id };
    for (const field of fields) {
      was[field] = state[field];
      now[field] = current[field];
    }
    const differences = describeDifferences(was, now);
    if (differences.length > 0) {
      problems.add({
        seq: event.seq,
        kind: 'entity-changed',
        message: `${label} was changed after event ${event.seq}: ${differences.join('; ')}`,
      });
    }
  }
  return { matched, unknown: recorded.length < events.length };
}

/** Names the stored events of a run that no audit event of the run accepted; only run when some are. */
async function reportUnrecorded(
  db: Executor,
  olRunId: string,
  problems: ProblemLog,
  accepted?: Set<string>,
): Promise<void> {
  let recorded = accepted;
  if (recorded === undefined) {
    recorded = new Set();
    for await (const event of entityEvents(db, 'openlineage_run', olRunId)) {
      if (isObject(event.state) && typeof event.state.eventId === 'string') recorded.add(event.state.eventId);
    }
  }
  let after = '';
  for (;;) {
    const eventIds = await openLineageEventIdsAfter(db, olRunId, after, 500);
    if (eventIds.length === 0) return;
    for (const event_id of eventIds) {
      if (recorded.has(event_id)) continue;
      problems.add({
        seq: null,
        kind: 'entity-unrecorded',
        message: `OpenLineage event ${event_id} of run ${olRunId} has no audit record: it was inserted directly`,
      });
    }
    after = eventIds.at(-1)!;
  }
}
