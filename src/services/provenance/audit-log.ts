import { type AuditEvent, auditEventHash, auditLeafBytes, sha256Hex } from '../../domain/provenance/audit-event.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import type { MerkleFrontier } from '../../domain/provenance/merkle-frontier.js';
import { leafHash } from '../../domain/provenance/merkle-hash.js';
import {
  type AuditHead,
  appendAuditEvents,
  lockAuditHead,
  reserveAuditHead,
} from '../../store/repositories/provenance/audit-event-repository.js';
import { loadFrontier } from '../../store/repositories/provenance/merkle-node-repository.js';
import type { DialectName, Executor } from '../../store/store.js';
import type { RequestContext } from '../request-context.js';
import type { AuditAppender, AuditRecord } from '../unit-of-work.js';

/**
 * Appends hash-chained audit events inside the caller's transaction. The head row is locked first (FOR UPDATE on
 * PostgreSQL; SQLite serialises writers anyway), so concurrent writers on any replica get consecutive sequence
 * numbers and each event chains to the one before it. Each event is also a leaf of the Merkle log: the subtrees it
 * completes are stored with it, and its state (canonical JSON) is kept so verification can compare it with the rows.
 */
export class AuditLog implements AuditAppender {
  /**
   * `_dialect` is no longer read (the executor tells which database it is) and stays only for existing callers.
   */
  constructor(
    _dialect: DialectName,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Where the database locks rows (PostgreSQL) the head row is locked before the changes of a write group: a group
   * holds it from its first append to its COMMIT, and a group on another replica that took row locks first and then
   * waited for it would deadlock.
   */
  async reserve(db: Executor): Promise<void> {
    const head = await reserveAuditHead(db);
    if (head) this.tails.set(db, { head });
  }

  /**
   * The head (and Merkle frontier) as the reservation read it or the last append in a transaction left them. A write
   * group runs several writes in one transaction, and every append goes through here while it holds the head's lock
   * (or SQLite's write lock), so neither is read again. A failed append forgets them: its savepoint rolled its rows
   * back, and the next append reads what is stored.
   */
  private readonly tails = new WeakMap<Executor, { head: AuditHead; frontier?: MerkleFrontier }>();

  async append(db: Executor, records: AuditRecord[], context: RequestContext): Promise<void> {
    const tail = this.tails.get(db);
    this.tails.delete(db);
    const head = tail?.head ?? (await lockAuditHead(db));
    const frontier = tail?.frontier ?? (await loadFrontier(db, head.lastSeq));
    let seq = head.lastSeq;
    let prevHash = head.lastHash;
    const time = this.now();
    const events = records.map((record) => {
      seq += 1;
      const state = canonicalJson(record.state);
      const event: AuditEvent = {
        seq,
        time,
        actor: context.actor,
        action: record.action,
        entityKind: record.entityKind,
        entityId: record.entityId,
        stateDigest: sha256Hex(state),
        requestId: context.requestId,
        prevHash,
      };
      prevHash = auditEventHash(event);
      return { event: { ...event, hash: prevHash }, state };
    });
    const nodes = events.flatMap(({ event }) => frontier.append(leafHash(auditLeafBytes(event))));
    await appendAuditEvents(db, events, nodes);
    this.tails.set(db, { head: { lastSeq: seq, lastHash: prevHash }, frontier });
  }
}
