import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery } from 'kysely';
import type { Executor } from './store.js';

/** Far more than the queries that use this; past it (a caller whose SQL text varies) queries just run unnamed. */
const MAX_NAMED = 64;
const nameOfText = new Map<string, string>();

/** A fixed-shape query compiled once, and where each of its parameters goes among the compiled query's values. */
interface Compiled<R> {
  query: CompiledQuery<R>;
  /** For each value of the compiled query: the index of the parameter it takes, or -1 for a constant. */
  slots: number[];
}

/**
 * A fixed-shape query, built and compiled once per database and then run under a statement name, for the few queries
 * run on nearly every request (authenticating a token). Building a query with Kysely and compiling it costs more CPU
 * than running this one on the database (about 0.2 ms against 0.05 ms), and a database that plans every unnamed
 * statement afresh (PostgreSQL) plans a named one once per connection instead (the token's three-table join costs
 * about 0.3 ms to plan). The name carries a digest of the SQL text, so one query compiled for two dialects, or changed
 * between releases, never collides.
 *
 * `build` must use its parameters only as values the query sends (it is called with markers in their place, once).
 */
export function namedStatement<P extends string[], R>(
  name: string,
  build: (db: Executor, ...parameters: P) => Compilable<R>,
): (db: Executor, ...parameters: P) => Promise<R[]> {
  // Keyed by the database handle: each dialect compiles its own text. A transaction is a handle of its own, so a
  // statement run inside one is compiled for it (and forgotten with it).
  const compiledFor = new WeakMap<Executor, Compiled<R>>();
  return async (db, ...parameters) => {
    let compiled = compiledFor.get(db);
    if (!compiled) {
      compiled = compile(name, build, db, parameters.length);
      compiledFor.set(db, compiled);
    }
    const { query, slots } = compiled;
    const values = query.parameters.map((constant, i) => {
      const slot = slots[i] ?? -1;
      return slot === -1 ? constant : parameters[slot];
    });
    return (await db.executeQuery<R>({ ...query, parameters: values })).rows;
  };
}

function compile<P extends string[], R>(
  name: string,
  build: (db: Executor, ...parameters: P) => Compilable<R>,
  db: Executor,
  arity: number,
): Compiled<R> {
  const markers = Array.from({ length: arity }, (_, i) => `\u0000named statement parameter ${i}\u0000`);
  const query = build(db, ...(markers as P)).compile();
  const slots = query.parameters.map((value) => markers.indexOf(value as string));
  for (let i = 0; i < arity; i++) {
    if (slots.filter((slot) => slot === i).length !== 1) {
      throw new Error(`Statement ${name} must send its parameter ${i} as exactly one value`);
    }
  }
  if (!nameOfText.has(query.sql) && nameOfText.size < MAX_NAMED) {
    nameOfText.set(query.sql, `${name}_${createHash('sha256').update(query.sql).digest('hex').slice(0, 12)}`);
  }
  return { query, slots };
}

/** Texts named at once, at most: past it, the one run least recently loses its name. */
const MAX_FREQUENT = 256;
/** Runs of a text before it is named: a text run once or twice (a rare filter) is not worth a prepared statement. */
const RUNS_BEFORE_NAMING = 3;
/** Texts being counted at once, at most: past it, the one seen least recently is forgotten. */
const MAX_COUNTED = 4096;
/** Both in least recently used order (a Map iterates in insertion order, and a use re-inserts). */
const runsOfText = new Map<string, number>();
const frequentName = new Map<string, string>();
/** Texts whose prepared form went stale (see forgetStatementName): sent unnamed from then on. */
const neverNamed = new Set<string>();

/**
 * The statement name of a SQL text, if it has one (read by the PostgreSQL driver): the name namedStatement gave it,
 * or one given once the same text has run a few times. Most statements are built by Kysely afresh on each request
 * but with the same text (values travel as parameters), and PostgreSQL plans an unnamed statement on every execution:
 * a run search costs about 2.4 ms to plan and 3 ms to run. A named one is planned once per connection (PostgreSQL
 * keeps custom plans for its first executions and moves to a generic plan only when that costs no more). Only plain
 * single statements are named (a text with several, such as `begin; set local …`, cannot be prepared).
 *
 * Both the texts counted and those named are bounded, and the least recently used give way: a server that has seen
 * thousands of distinct texts (IN lists of every length, rare filters) still names the ones it runs now. A connection
 * keeps what it prepared until the pool replaces it (see openPostgres), so its prepared statements stay bounded too.
 */
export function statementNameOf(sqlText: string): string | undefined {
  const named = nameOfText.get(sqlText);
  if (named !== undefined) return named;
  const frequent = frequentName.get(sqlText);
  if (frequent !== undefined) {
    frequentName.delete(sqlText);
    frequentName.set(sqlText, frequent);
    return frequent;
  }
  if (neverNamed.has(sqlText)) return undefined;
  if (!/^\s*(select|insert|update|delete|with)\b/i.test(sqlText) || sqlText.includes(';')) return undefined;
  const runs = (runsOfText.get(sqlText) ?? 0) + 1;
  runsOfText.delete(sqlText);
  if (runs < RUNS_BEFORE_NAMING) {
    runsOfText.set(sqlText, runs);
    if (runsOfText.size > MAX_COUNTED) runsOfText.delete(runsOfText.keys().next().value!);
    return undefined;
  }
  const name = `frequent_${createHash('sha256').update(sqlText).digest('hex').slice(0, 16)}`;
  frequentName.set(sqlText, name);
  if (frequentName.size > MAX_FREQUENT) frequentName.delete(frequentName.keys().next().value!);
  return name;
}

/**
 * Stops naming a text whose prepared statement went stale: PostgreSQL refuses to run a prepared `SELECT *` once a
 * column was added to its table (a migration run by another replica during a rolling upgrade), on every connection
 * that prepared it. The statement that hit it fails once (reported as the database being briefly unavailable, so
 * the client retries); from then on the text is sent unnamed and planned afresh.
 */
export function forgetStatementName(sqlText: string): void {
  nameOfText.delete(sqlText);
  frequentName.delete(sqlText);
  if (neverNamed.size < MAX_FREQUENT) neverNamed.add(sqlText);
}

/** Whether PostgreSQL refused a prepared statement because its table changed shape since it was prepared. */
export function isStalePreparedStatement(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '0A000' &&
    error.message.includes('cached plan must not change result type')
  );
}
