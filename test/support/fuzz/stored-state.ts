import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Store } from '../../../src/store/store.js';

/**
 * What a refused request must leave as it found: the audit log's head (sequence number and hash), how many rows
 * every table holds and a digest of every table's contents (so an update that keeps the count shows too), read in
 * one statement so PostgreSQL answers from one snapshot. Tables written in the background by design are left out
 * (see below).
 */
export interface StoredState {
  auditSeq: number;
  auditHead: string;
  rows: Record<string, number>;
  contents: Record<string, string>;
}

// Written after the request that caused them, whatever it answered: counted successful reads (flushed every few
// seconds) and webhook deliveries (sent by a background dispatcher).
const BACKGROUND_TABLES = new Set(['access_log', 'webhook_outbox', 'webhook_deliveries', 'webhook_delivery_attempts']);

export interface StoredStateReader {
  read(): Promise<StoredState>;
  /** The audit events recorded after `seq`, as `action entity (request id)`: to tell what a change was. */
  eventsAfter(seq: number): Promise<string[]>;
}

export async function storedStateReader(store: Store): Promise<StoredStateReader> {
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
  const contentOf = await contentDigests(db, store.dialect, tables);
  const counts = tables.map(
    (name) => sql`select ${name} as name, count(*) as n, ${contentOf(name)} as hash from ${sql.table(name)}`,
  );
  const query = sql<{ name: string; n: number | string; hash: string }>`${sql.join(counts, sql` union all `)}
    union all select '' as name, last_seq as n, last_hash as hash from audit_head`;
  return {
    async read() {
      const rows = (await query.execute(db)).rows;
      const head = rows.filter((row) => row.name === '');
      return {
        auditSeq: Math.max(0, ...head.map((row) => Number(row.n))),
        auditHead: head.map((row) => `${row.n}:${row.hash}`).join(','),
        rows: Object.fromEntries(rows.filter((row) => row.name !== '').map((row) => [row.name, Number(row.n)])),
        contents: Object.fromEntries(
          rows
            .filter((row) => row.name !== '')
            .map((row) => [
              row.name,
              createHash('sha256')
                .update(row.hash ?? '')
                .digest('hex'),
            ]),
        ),
      };
    },
    async eventsAfter(seq) {
      const events = await sql<{ action: string; entity_id: string; request_id: string }>`
        select action, entity_id, request_id from audit_events where seq > ${seq} order by seq`.execute(db);
      return events.rows.map((row) => `${row.action} ${row.entity_id} (${row.request_id})`);
    },
  };
}

/** The tables (and the audit head) that differ between two states, with their before and after values. */
export function stateChanges(before: StoredState, after: StoredState): string[] {
  const changes: string[] = [];
  if (before.auditHead !== after.auditHead) changes.push(`audit head ${before.auditHead} → ${after.auditHead}`);
  for (const [table, count] of Object.entries(after.rows)) {
    if (before.rows[table] !== count) changes.push(`${table} ${before.rows[table]} → ${count}`);
    else if (before.contents[table] !== after.contents[table])
      changes.push(`${table} rows changed (${count} before and after)`);
  }
  return changes;
}

/**
 * Per table, an expression giving its whole contents as one text, in a fixed row order: PostgreSQL renders a row as
 * text itself; SQLite quotes each column (blobs as hex), read from the table's own column list.
 */
async function contentDigests(
  db: Kysely<Record<string, Record<string, unknown>>>,
  dialect: Store['dialect'],
  tables: readonly string[],
): Promise<(table: string) => RawBuilder<string>> {
  if (dialect !== 'sqlite') {
    return (table) =>
      sql<string>`(select coalesce(string_agg(r::text, '|' order by r::text), '') from ${sql.table(table)} r)`;
  }
  const columns = new Map<string, string[]>();
  for (const table of tables) {
    const info = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
    columns.set(
      table,
      info.rows.map((row) => row.name),
    );
  }
  return (table) => {
    const row = sql.join(
      columns.get(table)!.map((column) => sql`quote(${sql.ref(column)})`),
      sql` || ',' || `,
    );
    return sql<string>`(select coalesce(group_concat(x, '|'), '') from (select ${row} as x from ${sql.table(table)} order by x))`;
  };
}
