import { type Kysely, sql } from 'kysely';
import type { Store } from '../../../src/store/store.js';

/**
 * What a refused request must leave as it found: the audit log's head (sequence number and hash) and how many rows
 * every table holds, read in one query. Tables written in the background by design are left out (see below).
 */
export interface StoredState {
  auditHead: string;
  rows: Record<string, number>;
}

// Written after the request that caused them, whatever it answered: counted successful reads (flushed every few
// seconds) and webhook deliveries (sent by a background dispatcher).
const BACKGROUND_TABLES = new Set(['access_log', 'webhook_outbox', 'webhook_deliveries', 'webhook_delivery_attempts']);

export async function storedStateReader(store: Store): Promise<() => Promise<StoredState>> {
  const db = store.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const catalog =
    store.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`;
  const tables = (await catalog.execute(db)).rows
    .map((row) => row.name)
    .filter((name) => !BACKGROUND_TABLES.has(name) && !name.startsWith('kysely_'))
    .sort();
  const counts = sql.join(
    tables.map((name) => sql`select ${name} as name, count(*) as n from ${sql.table(name)}`),
    sql` union all `,
  );
  const query = sql<{ name: string; n: number | string }>`${counts}`;
  return async () => {
    const [rows, head] = await Promise.all([
      query.execute(db),
      sql<{ last_seq: number | string; last_hash: string }>`select last_seq, last_hash from audit_head`.execute(db),
    ]);
    return {
      auditHead: head.rows.map((row) => `${row.last_seq}:${row.last_hash}`).join(','),
      rows: Object.fromEntries(rows.rows.map((row) => [row.name, Number(row.n)])),
    };
  };
}

/** The tables (and the audit head) that differ between two states, with their before and after values. */
export function stateChanges(before: StoredState, after: StoredState): string[] {
  const changes: string[] = [];
  if (before.auditHead !== after.auditHead) changes.push(`audit head ${before.auditHead} → ${after.auditHead}`);
  for (const [table, count] of Object.entries(after.rows)) {
    if (before.rows[table] !== count) changes.push(`${table} ${before.rows[table]} → ${count}`);
  }
  return changes;
}
