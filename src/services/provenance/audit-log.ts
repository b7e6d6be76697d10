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
import type { AuditAppender, LoggedWrite } from '../unit-of-work.js';

/**
 * Appends hash-chained audit events inside the caller's transaction. The head row is locked first (FOR UPDATE on
 * PostgreSQL; SQLite serialises writers anyway), so concurrent writers on any replica get consecutive sequence
 * numbers and each event chains to the one before it. Each event is also a leaf of the Merkle log: the subtrees it
 * completes are stored with it, and its state (canonical JSON) is kept so verification can compare it with the rows.
 */
export class AuditLog implements AuditAppender {
  /** Heads reserved by transactions that have not appended yet (see reserve). */
  private readonly reserved = new WeakMap<Executor, AuditHead>();
  /**
   * The Merkle frontier of the log as this process last left it. The frontier is a function of the events up to the
   * head, and the head's hash chains every one of them, so it is reused exactly when the head read under the lock has
   * the same seq and hash: whether the append that made it committed or not, and whatever other replicas did since.
   * One server (or replica) writing alone then never reads the frontier back.
   */
  private last: { head: AuditHead; frontier: MerkleFrontier } | undefined;

  /**
   * `_dialect` is no longer read (the executor tells which database it is) and stays only for existing callers.
   */
  constructor(
    _dialect: DialectName,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Where the database locks rows (PostgreSQL) the head row is locked before the changes of a write group: a group
   * holds it from its first change to its COMMIT, and a group on another replica that took row locks first and then
   * waited for it would deadlock.
   */
  async reserve(db: Executor): Promise<void> {
    const head = await reserveAuditHead(db);
    if (head) this.reserved.set(db, head);
  }

  /** Appends the records of a group's writes, in the order the writes ran: one append for the whole group. */
  async append(db: Executor, writes: readonly LoggedWrite[]): Promise<void> {
    if (!writes.some((write) => write.records.length > 0)) return;
    const head = this.reserved.get(db) ?? (await lockAuditHead(db));
    this.reserved.delete(db);
    const frontier = await this.frontierAt(db, head);
    let seq = head.lastSeq;
    let prevHash = head.lastHash;
    const time = this.now();
    const events = writes.flatMap(({ records, context }) =>
      records.map((record) => {
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
      }),
    );
    const nodes = events.flatMap(({ event }) => frontier.append(leafHash(auditLeafBytes(event))));
    // Forgotten while the statement runs: if it fails, the frontier advanced past what is stored.
    this.last = undefined;
    await appendAuditEvents(db, events, nodes);
    this.last = { head: { lastSeq: seq, lastHash: prevHash }, frontier };
  }

  private async frontierAt(db: Executor, head: AuditHead): Promise<MerkleFrontier> {
    const last = this.last;
    if (last && last.head.lastSeq === head.lastSeq && last.head.lastHash === head.lastHash) {
      // Taken, not shared: appending advances it in place.
      this.last = undefined;
      return last.frontier;
    }
    return loadFrontier(db, head.lastSeq);
  }
}
