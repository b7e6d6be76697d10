import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { inSavepoint } from '../store/savepoint.js';
import type { Executor, Store } from '../store/store.js';
import { CommitGroups, type Settlement } from './commit-groups.js';
import { currentContext, type RequestContext } from './request-context.js';

/** What a write changed, as the audit log records it: the new state of one entity. */
export interface AuditRecord {
  action: string;
  entityKind: string;
  entityId: string;
  state: unknown;
}

/** Persists audit records inside the transaction of the change they describe. */
export interface AuditAppender {
  /**
   * Called first in every write transaction, before any change takes its locks: whatever the log must hold to append
   * later is taken here, so writers queue on it in one order instead of deadlocking on each other's rows.
   */
  reserve(db: Executor): Promise<void>;
  append(db: Executor, records: AuditRecord[], context: RequestContext): Promise<void>;
}

export interface WriteScope {
  db: Executor;
  audit(record: AuditRecord): void;
}

interface PendingWrite {
  /** The change, bound to the async context of the request that asked for it. */
  change: (scope: WriteScope) => Promise<unknown>;
  appender: AuditAppender;
  context: RequestContext;
}

/** How many write transactions a store has committed or rolled back, and how many writes they held. */
export interface WriteTransactionStats {
  transactions: number;
  writes: number;
}

const groupsOfStore = new WeakMap<Store, CommitGroups<PendingWrite>>();
const statsOfStore = new WeakMap<Store, WriteTransactionStats>();
const insideWrite = new AsyncLocalStorage<true>();

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
export async function write<T>(
  store: Store,
  appender: AuditAppender,
  change: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  // The inner write would wait for the group that runs the outer one, which waits for it: refuse instead of hanging.
  if (insideWrite.getStore()) throw new Error('write() was called inside a write; pass its WriteScope instead');
  const bound = AsyncResource.bind((scope: WriteScope) => insideWrite.run(true, () => change(scope)));
  return (await commitGroupsOf(store).submit({ change: bound, appender, context: currentContext() })) as T;
}

export function writeTransactionStats(store: Store): WriteTransactionStats {
  return { ...statsOf(store) };
}

function statsOf(store: Store): WriteTransactionStats {
  let stats = statsOfStore.get(store);
  if (!stats) {
    stats = { transactions: 0, writes: 0 };
    statsOfStore.set(store, stats);
  }
  return stats;
}

function commitGroupsOf(store: Store): CommitGroups<PendingWrite> {
  let groups = groupsOfStore.get(store);
  if (!groups) {
    groups = new CommitGroups((jobs) => runGroup(store, jobs));
    groupsOfStore.set(store, groups);
  }
  return groups;
}

async function runGroup(store: Store, jobs: readonly PendingWrite[]): Promise<Settlement[]> {
  count(store, jobs.length);
  return store.db.transaction().execute(async (tx) => {
    for (const appender of new Set(jobs.map((job) => job.appender))) await appender.reserve(tx);
    // Alone in its group, a write needs no savepoint: its failure rolls back the whole transaction, which is its own.
    if (jobs.length === 1) return [{ ok: true, value: await runOne(tx, jobs[0]!) }];
    const settlements: Settlement[] = [];
    for (const job of jobs) {
      try {
        settlements.push({ ok: true, value: await inSavepoint(tx, () => runOne(tx, job)) });
      } catch (error) {
        settlements.push({ ok: false, error });
      }
    }
    return settlements;
  });
}

function count(store: Store, writes: number): void {
  const stats = statsOf(store);
  stats.transactions += 1;
  stats.writes += writes;
}

async function runOne(tx: Executor, job: PendingWrite): Promise<unknown> {
  const records: AuditRecord[] = [];
  const value = await job.change({ db: tx, audit: (record) => records.push(record) });
  if (records.length > 0) await job.appender.append(tx, records, job.context);
  return value;
}
