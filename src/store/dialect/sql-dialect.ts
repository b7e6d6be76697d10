import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { RunsTable } from '../schema.js';
import type { DialectName, Executor } from '../store.js';
import type { FullText } from './full-text.js';

/** A column of a bulk write whose value differs per row, with its PostgreSQL type (arrays of it are passed). */
export interface BulkColumn {
  name: string;
  type: string;
  values: readonly unknown[];
}

/**
 * Rows of one run written in as few statements as the database allows: `run_id` first, then `columns` (their
 * values given column by column, all of the same length), then `trailing` with one value shared by every row, and
 * `conflict` (an ON CONFLICT clause written in code, never request data) after them.
 */
export interface RunRowsWrite {
  table: string;
  runId: string;
  columns: readonly BulkColumn[];
  trailing?: { name: string; type: string; value: number };
  conflict: string;
}

/**
 * What differs between the databases Mnemo runs on, in one place: the SQL fragments and the operations written
 * differently per database. Repositories ask the executor for its dialect (`dialectOf`) and use what it gives,
 * instead of branching on the database's name; like a Kysely adapter, the choice is made by the database handle.
 */
export interface SqlDialect {
  readonly name: DialectName;

  /** The discovery index's full-text and trigram reads. */
  readonly fullText: FullText;

  /**
   * Whether `forUpdate` locks rows. PostgreSQL does, until the transaction ends; SQLite serialises writers anyway
   * and has no row locks, so a lock taken only to order writers is not needed there.
   */
  readonly rowLocks: boolean;

  /**
   * Whether one statement may write several tables (PostgreSQL's data-modifying WITH). PostgreSQL runs in another
   * process, so each statement costs a round trip; SQLite runs in this one, where a statement per table costs little.
   */
  readonly multiTableWrites: boolean;

  /**
   * Runs fixed statements without parameters (savepoint commands, written in code) in order: in one round trip
   * where the database takes several statements at once (PostgreSQL's simple query), else one by one.
   */
  runStatements(db: Executor, statements: readonly string[]): Promise<void>;

  /** The query with FOR UPDATE where the database locks rows; as it is otherwise. */
  forUpdate<Q extends { forUpdate(): Q }>(query: Q): Q;

  /**
   * Whether the planner weighs indexes from statistics of its own. SQLite keeps none, so the run search measures
   * how selective a filter or a sort key is before choosing how to read (PostgreSQL's planner does that itself).
   */
  readonly plansFromStatistics: boolean;

  /**
   * `column` such that the planner does not use an index on it to find rows: SQLite's unary +, which leaves the
   * value unchanged (see the run search). PostgreSQL plans those lookups well and has no unary + for text.
   */
  lookedUp(column: string): RawBuilder<unknown>;

  /**
   * Run param and tag values as their (key, value) index holds them, and the order to sort them in. MLflow allows
   * values of 6,000 and 8,000 characters, more than one PostgreSQL B-tree entry may hold, so there the index holds
   * each value's first characters in byte order (collation "C", which is also how SQLite compares text); a value is
   * then found by its prefix through the index and compared whole, and sorted by prefix, then whole value. In byte
   * order a prefix never contradicts the whole value, so that is exactly the order of the values themselves.
   */
  keyedValueEquals(column: RawBuilder<unknown>, value: string): RawBuilder<SqlBool>;
  keyedValueOrder(column: RawBuilder<unknown>): RawBuilder<unknown>[];
  /** Text to sort in byte order, as SQLite always does and PostgreSQL does under collation "C". */
  byteOrder(column: RawBuilder<unknown>): RawBuilder<unknown>;

  /** Runs `read` with parallel query plans turned off for its statements (only PostgreSQL has them). */
  withoutParallelWorkers<T>(db: Executor, read: (db: Executor) => Promise<T>): Promise<T>;

  /** Writes rows of one run in bulk and returns how many rows the statements changed. */
  writeRunRows(db: Executor, write: RunRowsWrite): Promise<number>;

  /**
   * Several bulk writes of one run to different tables: one statement on PostgreSQL (each write a data-modifying
   * WITH of the last), so they cost one round trip; one after another on SQLite.
   */
  writeRunRowsTogether(db: Executor, writes: readonly RunRowsWrite[]): Promise<void>;

  /**
   * Where one statement may write several tables (PostgreSQL): the writes of a metric batch with the checks that
   * decide them in the same statement. Nothing is written unless the run is active. The `guarded` writes (each with
   * a `key` column first) keep only the rows of keys whose first point in `firsts` comes after the key's stored
   * latest point, as read before the statement; the `unguarded` ones are written whole. Returns the keys held back
   * and the run's row as the statement read it (undefined: no such run). Elsewhere absent: the caller reads the run
   * and the latest points first, as an in-process database answers a read for almost nothing.
   */
  writeMetricRowsAfterLatest?(
    db: Executor,
    runId: string,
    firsts: readonly { key: string; step: number; timestamp: number }[],
    guarded: readonly RunRowsWrite[],
    unguarded: readonly RunRowsWrite[],
  ): Promise<{ held: string[]; run: RunsTable | undefined }>;

  /**
   * The run ids as a one-column table r(run_id), passed as a single parameter: the same statement text for any
   * number of ids.
   */
  runIdTable(runIds: readonly string[]): RawBuilder<unknown>;

  /**
   * A correlated subquery yielding the rows of `from` (table names and a condition, never request data) as one JSON
   * array per column, each in `orderBy` order, which must leave no ties so the columns stay aligned. A subquery
   * with no rows yields either empty arrays or NULLs.
   */
  jsonColumns(columns: readonly string[], from: string, orderBy: string): RawBuilder<unknown>;

  /**
   * The rows of `rows` (a query whose numeric columns are named `columns`, and which orders its rows) as one array
   * of doubles, row after row in that order, NULL as NaN (so NaN itself must not be a value). A read of thousands of
   * small rows then costs one value to hand over instead of a JavaScript value per cell: SQLite writes the rows as
   * JSON, PostgreSQL as the doubles' bytes. Integers beyond 2^53 would lose precision.
   */
  numberRowsOf(db: Executor, rows: Expression<unknown>, columns: readonly string[]): Promise<Float64Array>;

  /** The text values of `column` (a name written in code) concatenated in `orderBy` order, NULL for no rows. */
  concatenated(column: string, orderBy: string): RawBuilder<string>;
}
