import { sql } from 'kysely';
import type { StoredAuditEvent } from '../../../domain/provenance/audit-event.js';
import { dialectOf } from '../../dialect/dialect-of.js';
import type { Executor } from '../../store.js';

/** An event as the verifier walks it: its fields under their own names, and its stored state (null when none). */
export interface WalkedAuditEvent extends StoredAuditEvent {
  state: string | null;
}

/**
 * The next page of the whole log in seq order after `afterSeq`, each row already in the event's shape: the columns
 * are renamed by the query, so a log of millions of rows is not copied into a second object per event.
 */
export function auditLogPage(db: Executor, afterSeq: number, limit: number): Promise<WalkedAuditEvent[]> {
  return db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select([
      'audit_events.seq as seq',
      'audit_events.event_time as time',
      'audit_events.actor as actor',
      'audit_events.action as action',
      'audit_events.entity_kind as entityKind',
      'audit_events.entity_id as entityId',
      'audit_events.state_digest as stateDigest',
      'audit_events.request_id as requestId',
      'audit_events.prev_hash as prevHash',
      'audit_events.hash as hash',
      'audit_states.state as state',
    ])
    .where('audit_events.seq', '>', afterSeq)
    .orderBy('audit_events.seq')
    .limit(limit)
    .execute();
}

/** Stored Merkle nodes of one level between two indexes, in index order, hashes as hex. */
export function merkleNodesBetween(
  db: Executor,
  level: number,
  first: number,
  last: number,
): Promise<{ idx: number; hash: string }[]> {
  return db
    .selectFrom('audit_merkle_nodes')
    .select(['idx', 'hash'])
    .where('level', '=', level)
    .where('idx', '>=', first)
    .where('idx', '<=', last)
    .orderBy('idx')
    .execute();
}

/**
 * The stored hashes of one level's nodes between two indexes, concatenated in index order into one text, with how
 * many there are and the shortest and longest hash: a page's thousands of nodes come back as one row, so an intact
 * range costs one comparison (the lengths make the text split into the same hashes as the one it is compared with).
 */
export async function concatenatedMerkleNodes(
  db: Executor,
  level: number,
  first: number,
  last: number,
): Promise<{ count: number; shortest: number; longest: number; hashes: string }> {
  const concatenated = dialectOf(db).concatenated('hash', 'idx');
  const row = await db
    .selectFrom('audit_merkle_nodes')
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.min(sql<number>`length(hash)`).as('shortest'),
      eb.fn.max(sql<number>`length(hash)`).as('longest'),
      eb.fn.coalesce(concatenated, sql<string>`''`).as('hashes'),
    ])
    .where('level', '=', level)
    .where('idx', '>=', first)
    .where('idx', '<=', last)
    .executeTakeFirstOrThrow();
  return {
    count: Number(row.count),
    shortest: Number(row.shortest),
    longest: Number(row.longest),
    hashes: row.hashes,
  };
}
