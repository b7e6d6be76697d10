import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** An open database: the only handle services get. Which database sits behind it stays inside store/. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

/** A transaction or the database itself: repositories accept either so services decide transaction scope. */
export type Executor = Kysely<Database>;
