import type { AccessLogQuery } from '../../store/repositories/access/access-log-repository.js';
import { addAccessCounts, readAccessLog } from '../../store/repositories/access/access-log-repository.js';
import type { AccessLogTable } from '../../store/schema-access.js';
import type { Store } from '../../store/store.js';

const HOUR_MS = 3_600_000;
/** How often counted reads are written: reads never wait for the log, and a burst costs one upsert per key. */
const FLUSH_INTERVAL_MS = 5_000;

export interface AccessLogEntry {
  principal: string;
  resource: string;
  hour: number;
  requests: number;
}

/**
 * The access log: successful reads counted in memory per principal, resource and hour, and added to the database
 * every few seconds (and on shutdown). A crash loses at most the last few seconds of counts — it is a log of
 * reads, not data any client was told is stored.
 */
export class AccessLog {
  private pending = new Map<string, AccessLogTable>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  count(principal: string, resource: string): void {
    const time = this.now();
    const hour = time - (time % HOUR_MS);
    const key = `${principal}\0${resource}\0${hour}`;
    const row = this.pending.get(key);
    if (row) row.requests += 1;
    else this.pending.set(key, { principal, resource, hour, requests: 1 });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Writes what was counted so far; errors are reported and the counts kept for the next attempt. */
  flush(onError?: (error: unknown) => void): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await addAccessCounts(this.store.db, [...batch.values()]);
      } catch (error) {
        for (const [key, row] of batch) {
          const later = this.pending.get(key);
          if (later) later.requests += row.requests;
          else this.pending.set(key, row);
        }
        onError?.(error);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  async read(query: AccessLogQuery): Promise<AccessLogEntry[]> {
    await this.flush();
    const rows = await readAccessLog(this.store.db, query);
    return rows.map((row) => ({
      principal: row.principal,
      resource: row.resource,
      hour: Number(row.hour),
      requests: Number(row.requests),
    }));
  }
}
