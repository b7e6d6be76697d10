import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import type { AuditRecord } from '../domain/provenance/audit-events/catalog.js';
import { claimIdempotencyKey } from '../store/repositories/idempotency-key-repository.js';
import { SavepointChain } from '../store/savepoint.js';
import type { Executor, Store } from '../store/store.js';
import { CommitGroups, type Settlement } from './commit-groups.js';
import { IdempotencyKeyInUseError } from './operations/idempotency-key-in-use.js';
import { currentContext, outsideAnyRequest, type RequestContext } from './request-context.js';

/** What a write changed, as the audit log records it: the new state of one entity, typed by the event catalog. */
export type { AuditRecord };

/** The audit records of one write and who asked for it. */
export interface LoggedWrite {
  records: readonly AuditRecord[];
  context: RequestContext;
}

/** Persists audit records inside the transaction of the change they describe. */
export interface AuditAppender {
  /**
   * Called first in every write transaction, before any change takes its locks: whatever the log must hold to append
   * later is taken here, so writers queue on it in one order instead of deadlocking on each other's rows.
   */
  reserve(db: Executor): Promise<void>;
  /** Called last in every write transaction with the records of the writes it kept, in the order they ran. */
  append(db: Executor, writes: readonly LoggedWrite[]): Promise<void>;
}

/** Derived data kept in the write's own transaction from the audit records it made (the discovery index). */
export interface WriteIndexer {
  indexWrite(db: Executor, records: readonly AuditRecord[]): Promise<void>;
}

export interface WriteScope {
  db: Executor;
  audit(record: AuditRecord): void;
}

interface PendingWrite {
  /** The change, bound to the async context of the request that asked for it. */
  change: (scope: WriteScope) => Promise<unknown>;
  /** Who asked for the change: the audit records of the write name them. */
  context: RequestContext;
}

/** How many write transactions a store has committed or rolled back, and how many writes they held. */
export interface WriteTransactionStats {
  transactions: number;
  writes: number;
}

const insideWrite = new AsyncLocalStorage<true>();

/**
 * The one way services change the database: each write runs with its audit records in one transaction. One is made
 * per open store, at start-up, and shared by every service, as it is what groups the store's writes together.
 */
export class UnitOfWork {
  private readonly groups = new CommitGroups<PendingWrite>((jobs) => this.runGroup(jobs));
  private readonly counts: WriteTransactionStats = { transactions: 0, writes: 0 };
  private readonly committedListeners: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly appender: AuditAppender,
    private readonly indexer?: WriteIndexer,
  ) {}

  /**
   * Runs a change and its audit records in one transaction: either both are stored or neither is, so the log never
   * misses a change and never records one that did not happen.
   *
   * Writes that arrive while another group of writes is committing (or in the same turn of the event loop) share one
   * transaction, each inside its own savepoint: a write that fails rolls back only its own changes and audit records,
   * and the group pays for one COMMIT (on SQLite one fsync) instead of one each. The audit chain follows the order the
   * writes ran in. Every write's promise settles after the shared COMMIT returned, so nothing reported as stored can
   * be lost; a failed COMMIT fails every write of the group.
   *
   * Groups run one at a time, and on PostgreSQL each first takes the audit log's lock (see AuditAppender.reserve), so
   * writes are serialised across replicas too. That is what keeps the recorded states true: two writes to one run in
   * overlapping transactions would each record the run as it saw it, and the later event could miss the other's tag.
   * It costs PostgreSQL the overlap of separate pooled transactions (large batches from several clients ingest
   * slower than when they raced), and saves a BEGIN and COMMIT per write.
   */
  async write<T>(change: (scope: WriteScope) => Promise<T>): Promise<T> {
    // The inner write would wait for the group that runs the outer one, which waits for it: refuse instead of hanging.
    if (insideWrite.getStore()) throw new Error('write() was called inside a write; pass its WriteScope instead');
    const bound = AsyncResource.bind((scope: WriteScope) => insideWrite.run(true, () => change(scope)));
    // The caller's identity is read here, in the caller's context, and travels with the write into its group.
    const context = currentContext();
    const value = (await this.groups.submit({ change: bound, context })) as T;
    // Committed, and with it the request's Idempotency-Key: later writes of the same request do not claim it again.
    if (context.idempotency) context.idempotency.claimed = true;
    return value;
  }

  /**
   * Calls `listener` after every committed transaction (background work staged inside writes, such as e-mails owed,
   * is woken by it), outside the context of the requests whose writes committed. A listener must not throw or wait.
   */
  afterEachCommit(listener: () => void): void {
    this.committedListeners.push(listener);
  }

  /** How many write transactions ran so far, and how many writes they held. */
  stats(): WriteTransactionStats {
    return { ...this.counts };
  }

  private async runGroup(jobs: readonly PendingWrite[]): Promise<Settlement[]> {
    this.counts.transactions += 1;
    this.counts.writes += jobs.length;
    const settlements = await this.store.db.transaction().execute(async (tx): Promise<Settlement[]> => {
      await this.appender.reserve(tx);
      const settlements: Settlement[] = [];
      const logged: LoggedWrite[] = [];
      if (jobs.length === 1) {
        // Alone in its group, a write needs no savepoint: its failure rolls back the whole transaction, its own.
        const { value, records } = await this.runOne(tx, jobs[0]!);
        settlements.push({ ok: true, value });
        logged.push({ records, context: jobs[0]!.context });
      } else {
        const savepoints = new SavepointChain(tx);
        for (const job of jobs) {
          try {
            const { value, records } = await savepoints.run(() => this.runOne(tx, job));
            settlements.push({ ok: true, value });
            logged.push({ records, context: job.context });
          } catch (error) {
            settlements.push({ ok: false, error });
          }
        }
        // The last savepoint is left open: COMMIT releases it with the rest, a round trip less.
      }
      // One append for the group: its events follow the order the writes ran in, each write's own together.
      await this.appender.append(tx, logged);
      return settlements;
    });
    for (const listener of this.committedListeners) {
      try {
        outsideAnyRequest(listener);
      } catch {
        // The writes are committed: their clients must hear so whatever a listener does.
      }
    }
    return settlements;
  }

  private async runOne(tx: Executor, job: PendingWrite): Promise<{ value: unknown; records: AuditRecord[] }> {
    // The request's Idempotency-Key is stored with its first write or not at all: a retry either finds it (and gets
    // the first answer) or finds nothing because nothing was applied.
    const idempotency = job.context.idempotency;
    if (idempotency && !idempotency.claimed) {
      const claimed = await claimIdempotencyKey(tx, { ...idempotency, now: Date.now() });
      if (!claimed) throw new IdempotencyKeyInUseError();
    }
    const records: AuditRecord[] = [];
    const value = await job.change({ db: tx, audit: (record) => records.push(record) });
    // The records name every entity the write changed: what they name is indexed before the write commits.
    if (records.length > 0) await this.indexer?.indexWrite(tx, records);
    return { value, records };
  }
}
