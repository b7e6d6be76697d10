import type { Executor, Store } from '../store/store.js';
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
  append(db: Executor, records: AuditRecord[], context: RequestContext): Promise<void>;
}

export interface WriteScope {
  db: Executor;
  audit(record: AuditRecord): void;
}

/**
 * Runs a change and its audit records in one transaction: either both are stored or neither is, so the log never
 * misses a change and never records one that did not happen.
 */
export async function write<T>(
  store: Store,
  appender: AuditAppender,
  change: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  return store.db.transaction().execute(async (tx) => {
    const records: AuditRecord[] = [];
    const result = await change({ db: tx, audit: (record) => records.push(record) });
    if (records.length > 0) await appender.append(tx, records, currentContext());
    return result;
  });
}
