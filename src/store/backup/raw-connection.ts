import type { NeutralType } from '../../domain/backup/dump-format.js';
import type { DriverValue } from '../../domain/backup/dump-values.js';
import type { DialectName } from '../store.js';

export interface CatalogColumn {
  name: string;
  type: NeutralType;
}

export interface CatalogTable {
  name: string;
  /** Stored columns only: generated ones (PostgreSQL's search vector) are computed again by the target. */
  columns: CatalogColumn[];
  /** The tables this one's foreign keys reference (itself excluded). */
  references: string[];
}

/**
 * A database connection below Kysely, for copying every table as it is: integers come back exact (bigint), blobs as
 * bytes, and the catalog says which tables and columns exist. Backup and restore are its only users.
 */
export interface RawConnection {
  readonly dialect: DialectName;
  /** Whether a number column can hold NaN (PostgreSQL's double precision can; SQLite stores it as NULL). */
  readonly storesNaN: boolean;
  /** Mnemo's tables, without the migrator's own and without SQLite's full-text index tables (triggers fill those). */
  tables(): Promise<CatalogTable[]>;
  query(text: string, params?: readonly DriverValue[]): Promise<Record<string, DriverValue>[]>;
  /** Reads a table's rows in batches, values in the order of `columns`. */
  readRows(table: string, columns: string[], onBatch: (rows: DriverValue[][]) => Promise<void>): Promise<void>;
  insertRows(table: string, columns: string[], rows: DriverValue[][]): Promise<void>;
  /** One read transaction that sees a single consistent state of the database. */
  beginSnapshot(): Promise<void>;
  /** One write transaction; foreign keys still hold, checked as late as the database allows. */
  beginWrite(): Promise<void>;
  /** Moves identity counters past the rows loaded, where the database has any. */
  resetSequences(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/** Names beginning with the migrator's prefix hold which migrations ran, which a snapshot records apart. */
export const isMigratorTable = (name: string): boolean => name.startsWith('kysely_migration');

/** Tables in foreign-key order: each after the tables it references; cycles, if any, broken by name. */
export function foreignKeyOrder(tables: CatalogTable[]): CatalogTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const placed = new Set<string>();
  const ordered: CatalogTable[] = [];
  const remaining = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  while (remaining.length > 0) {
    const index = remaining.findIndex((t) => t.references.every((r) => placed.has(r) || !byName.has(r)));
    const [next] = remaining.splice(index === -1 ? 0 : index, 1);
    placed.add(next!.name);
    ordered.push(next!);
  }
  return ordered;
}
