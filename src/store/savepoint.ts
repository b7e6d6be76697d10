import { dialectOf } from './dialect/dialect-of.js';
import type { Executor } from './store.js';

const NAME = 'grouped_write';

/**
 * Savepoints around the writes of one transaction, one write at a time: when a write throws, only what it changed
 * is undone and the transaction goes on as it was before it. A kept write's savepoint is released together with
 * the next write's opening, and the last one by the COMMIT, so on PostgreSQL the boundary between two writes costs one
 * round trip, not two: the writes of a group run one after another, and each round trip is time the group holds the
 * log's lock.
 */
export class SavepointChain {
  /** Whether the last write's savepoint is still open, waiting to be released. */
  private pending = false;

  constructor(private readonly tx: Executor) {}

  /** Runs `work` inside a savepoint of its own; when it throws, its changes are undone and the error is rethrown. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.script(this.pending ? [`release savepoint ${NAME}`, `savepoint ${NAME}`] : [`savepoint ${NAME}`]);
    this.pending = false;
    try {
      const value = await work();
      this.pending = true;
      return value;
    } catch (error) {
      // Rolling back to a savepoint keeps it; releasing it leaves the transaction as it was before this write.
      await this.script([`rollback to savepoint ${NAME}`, `release savepoint ${NAME}`]);
      throw error;
    }
  }

  private script(statements: readonly string[]): Promise<void> {
    return dialectOf(this.tx).runStatements(this.tx, statements);
  }
}
