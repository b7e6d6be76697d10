import { Gauge, type Registry } from 'prom-client';
import type { Backlog, BacklogService } from '../services/operations/backlog-service.js';

/** How `--workers` combines these gauges: every worker reads the same database, and a sum would multiply them. */
const READ_FROM_THE_DATABASE = 'max';

/**
 * Gauges of what the server owes and has not yet done, read from the database at each scrape (so every replica
 * reports the shared backlog, and a replica that just started reports it at once):
 * - `mnemo_queue_pending{queue}` and `mnemo_queue_oldest_pending_seconds{queue}`: webhook events not yet fanned out,
 *   webhook deliveries and e-mails not yet sent, and how long the oldest has waited;
 * - `mnemo_queue_failed{queue}`: deliveries and e-mails given up on after their retries;
 * - `mnemo_audit_log_events`: the audit log's length.
 * A scrape while the database is away leaves the queues out (and the audit log at its last length) rather than failing
 * the scrape: the process metrics still tell the story, and `/ready` says what is wrong.
 */
export function registerBacklogMetrics(registry: Registry, backlog: BacklogService, now: () => number): void {
  // The registry collects all gauges at once: they share the read in flight, and the next scrape reads afresh.
  let reading: Promise<Backlog | undefined> | undefined;
  const current = () => {
    reading ??= backlog
      .read()
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  const labelNames = ['queue'] as const;
  new Gauge({
    name: 'mnemo_queue_pending',
    help: 'Rows owed and not yet done, by outbox',
    labelNames,
    registers: [registry],
    aggregator: READ_FROM_THE_DATABASE,
    async collect() {
      this.reset();
      for (const queue of (await current())?.queues ?? []) this.set({ queue: queue.queue }, queue.pending);
    },
  });
  new Gauge({
    name: 'mnemo_queue_oldest_pending_seconds',
    help: 'How long the oldest owed row of each outbox has waited (0 when none is owed)',
    labelNames,
    registers: [registry],
    aggregator: READ_FROM_THE_DATABASE,
    async collect() {
      this.reset();
      const at = now();
      for (const queue of (await current())?.queues ?? []) {
        const waited = queue.oldestPendingTime === null ? 0 : Math.max(0, at - queue.oldestPendingTime) / 1000;
        this.set({ queue: queue.queue }, waited);
      }
    },
  });
  new Gauge({
    name: 'mnemo_queue_failed',
    help: 'Rows given up on after their last retry, by outbox',
    labelNames,
    registers: [registry],
    aggregator: READ_FROM_THE_DATABASE,
    async collect() {
      this.reset();
      for (const queue of (await current())?.queues ?? []) this.set({ queue: queue.queue }, queue.failed);
    },
  });
  new Gauge({
    name: 'mnemo_audit_log_events',
    help: 'Events in the audit log',
    registers: [registry],
    aggregator: READ_FROM_THE_DATABASE,
    async collect() {
      // Without labels a gauge cannot be left out: it keeps its last value while the database is away.
      const read = await current();
      if (read) this.set(read.auditEvents);
    },
  });
}
