import { type AuditEvent, auditEventHash, stateDigest } from '../../domain/provenance/audit-event.js';
import type { Executor } from '../../store/store.js';
import type { RequestContext } from '../request-context.js';
import type { AuditAppender, AuditRecord } from '../unit-of-work.js';

/**
 * Appends hash-chained audit events inside the caller's transaction. The head row is locked first (FOR UPDATE on
 * PostgreSQL; SQLite serialises writers anyway), so concurrent writers on any replica get consecutive sequence
 * numbers and each event chains to the one before it.
 */
export class AuditLog implements AuditAppender {
  constructor(
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly now: () => number = Date.now,
  ) {}

  async append(db: Executor, records: AuditRecord[], context: RequestContext): Promise<void> {
    let head = db.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1);
    if (this.dialect === 'postgres') head = head.forUpdate();
    const { last_seq, last_hash } = await head.executeTakeFirstOrThrow();
    let seq = last_seq;
    let prevHash = last_hash;
    const time = this.now();
    const rows = records.map((record) => {
      seq += 1;
      const event: AuditEvent = {
        seq,
        time,
        actor: context.actor,
        action: record.action,
        entityKind: record.entityKind,
        entityId: record.entityId,
        stateDigest: stateDigest(record.state),
        requestId: context.requestId,
        prevHash,
      };
      prevHash = auditEventHash(event);
      return {
        seq,
        event_time: time,
        actor: event.actor,
        action: event.action,
        entity_kind: event.entityKind,
        entity_id: event.entityId,
        state_digest: event.stateDigest,
        request_id: event.requestId,
        prev_hash: event.prevHash,
        hash: prevHash,
      };
    });
    await db.insertInto('audit_events').values(rows).execute();
    await db.updateTable('audit_head').set({ last_seq: seq, last_hash: prevHash }).where('id', '=', 1).execute();
  }
}
