import { sql } from 'kysely';
import type { StoredAuditEvent } from '../../../domain/provenance/audit-event.js';
import type { MerkleNode } from '../../../domain/provenance/merkle-frontier.js';
import { dialectOf } from '../../dialect/dialect-of.js';
import type { Executor } from '../../store.js';
import { inChunks } from '../chunks.js';
import { toEventRow, toStoredEvent } from './audit-event-rows.js';
import { insertMerkleNodes } from './merkle-node-repository.js';

export interface AuditHead {
  lastSeq: number;
  lastHash: string;
}

/**
 * Reads the log head and, where the database locks rows (PostgreSQL), locks it until the transaction ends so
 * appends and checkpoints serialise; SQLite serialises writers anyway.
 */
export async function lockAuditHead(db: Executor): Promise<AuditHead> {
  const query = db.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1);
  const { last_seq, last_hash } = await dialectOf(db).forUpdate(query).executeTakeFirstOrThrow();
  return { lastSeq: last_seq, lastHash: last_hash };
}

/**
 * Locks the log head now where the database locks rows, before a write group's other changes: a group then holds
 * it from its first change to its COMMIT, and gets the head it read. Nothing to do where writers are serialised
 * anyway (SQLite): undefined.
 */
export async function reserveAuditHead(db: Executor): Promise<AuditHead | undefined> {
  return dialectOf(db).rowLocks ? await lockAuditHead(db) : undefined;
}

export async function readAuditHead(db: Executor): Promise<AuditHead> {
  const { last_seq, last_hash } = await db
    .selectFrom('audit_head')
    .select(['last_seq', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { lastSeq: last_seq, lastHash: last_hash };
}

/**
 * Appends events (each with its state), the Merkle subtrees they complete and the new head: what one audit append
 * stores. Where one statement may write several tables (PostgreSQL), that is one statement, so an append costs one
 * round trip to the database instead of four; every write pays for an append, and the writes of a group run one
 * after another. Elsewhere (SQLite, in process) each table gets its own statements.
 */
export async function appendAuditEvents(
  db: Executor,
  events: readonly { event: StoredAuditEvent; state: string }[],
  nodes: readonly MerkleNode[],
): Promise<void> {
  const last = events.at(-1);
  if (!last) return;
  if (dialectOf(db).multiTableWrites) {
    await sql`with events as (
        insert into audit_events (seq, event_time, actor, action, entity_kind, entity_id, state_digest, request_id,
          prev_hash, hash)
        select * from unnest(${events.map((e) => e.event.seq)}::bigint[], ${events.map((e) => e.event.time)}::bigint[],
          ${events.map((e) => e.event.actor)}::text[], ${events.map((e) => e.event.action)}::text[],
          ${events.map((e) => e.event.entityKind)}::text[], ${events.map((e) => e.event.entityId)}::text[],
          ${events.map((e) => e.event.stateDigest)}::text[], ${events.map((e) => e.event.requestId)}::text[],
          ${events.map((e) => e.event.prevHash)}::text[], ${events.map((e) => e.event.hash)}::text[])
      ), states as (
        insert into audit_states (seq, state)
        select * from unnest(${events.map((e) => e.event.seq)}::bigint[], ${events.map((e) => e.state)}::text[])
      ), nodes as (
        insert into audit_merkle_nodes (level, idx, hash)
        select * from unnest(${nodes.map((n) => n.level)}::integer[], ${nodes.map((n) => n.index)}::bigint[],
          ${nodes.map((n) => n.hash.toString('hex'))}::text[])
      )
      update audit_head set last_seq = ${last.event.seq}, last_hash = ${last.event.hash} where id = 1`.execute(db);
    return;
  }
  // 10 values per event row: 500 rows stay below every bound-parameter limit.
  for (const chunk of inChunks(events, 500)) {
    await db
      .insertInto('audit_events')
      .values(chunk.map((e) => toEventRow(e.event)))
      .execute();
    await db
      .insertInto('audit_states')
      .values(chunk.map((e) => ({ seq: e.event.seq, state: e.state })))
      .execute();
  }
  await insertMerkleNodes(db, nodes);
  await db
    .updateTable('audit_head')
    .set({ last_seq: last.event.seq, last_hash: last.event.hash })
    .where('id', '=', 1)
    .execute();
}

export async function findAuditEvent(db: Executor, seq: number): Promise<StoredAuditEvent | undefined> {
  const row = await db.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirst();
  return row && toStoredEvent(row);
}

export async function findAuditState(db: Executor, seq: number): Promise<string | undefined> {
  const row = await db.selectFrom('audit_states').select('state').where('seq', '=', seq).executeTakeFirst();
  return row?.state;
}

/** The seq from which every event has a stored state (events before it were logged as digests only). */
export async function statesFromSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('audit_settings')
    .select('value')
    .where('key', '=', 'states_from_seq')
    .executeTakeFirst();
  return row ? Number(row.value) : 1;
}

export interface AuditEventFilter {
  entityKind?: string | undefined;
  entityId?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  fromTime?: number | undefined;
  toTime?: number | undefined;
}

/**
 * One page of events with their states in seq order after `afterSeq` (keyset paging: constant cost however deep the
 * page). The state is null for events logged before states were kept, or when its row is gone.
 */
export async function auditEventsPage(
  db: Executor,
  filter: AuditEventFilter,
  afterSeq: number,
  limit: number,
): Promise<{ event: StoredAuditEvent; state: string | null }[]> {
  let query = db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .selectAll('audit_events')
    .select('audit_states.state')
    .where('audit_events.seq', '>', afterSeq);
  if (filter.entityKind !== undefined) query = query.where('entity_kind', '=', filter.entityKind);
  if (filter.entityId !== undefined) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.fromTime !== undefined) query = query.where('event_time', '>=', filter.fromTime);
  if (filter.toTime !== undefined) query = query.where('event_time', '<', filter.toTime);
  const rows = await query.orderBy('audit_events.seq').limit(limit).execute();
  return rows.map(({ state, ...row }) => ({ event: toStoredEvent(row), state: state ?? null }));
}
