import type { Executor } from '../store.js';

/** What one outbox holds: rows still owed, the oldest of them, and rows given up on. */
export interface QueueBacklog {
  queue: 'webhook_events' | 'webhook_deliveries' | 'emails';
  pending: number;
  /** Creation time of the oldest owed row (ms), or null when none is owed. */
  oldestPendingTime: number | null;
  /** Rows given up on after their last retry; always 0 for events, which are never given up on. */
  failed: number;
}

/**
 * The backlog of each outbox, in one round trip per outbox. The counts by status go through the `(status,
 * next_attempt_time)` indexes the claims use, so a long history of delivered rows is not read.
 */
export async function readWorkQueueBacklog(db: Executor): Promise<QueueBacklog[]> {
  const [events, deliveries, emails] = await Promise.all([
    db
      .selectFrom('webhook_outbox')
      .select((eb) => [eb.fn.countAll<number | string>().as('pending'), eb.fn.min('created_time').as('oldest')])
      .executeTakeFirstOrThrow(),
    statusCounts(db, 'webhook_deliveries'),
    statusCounts(db, 'email_outbox'),
  ]);
  return [
    {
      queue: 'webhook_events',
      pending: Number(events.pending),
      oldestPendingTime: events.oldest === null ? null : Number(events.oldest),
      failed: 0,
    },
    { queue: 'webhook_deliveries', ...deliveries },
    { queue: 'emails', ...emails },
  ];
}

async function statusCounts(db: Executor, table: 'webhook_deliveries' | 'email_outbox') {
  // Both tables share these columns; Kysely cannot see that through a table chosen at run time.
  const name = table as 'webhook_deliveries';
  const [pending, failed] = await Promise.all([
    db
      .selectFrom(name)
      .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('created_time').as('oldest')])
      .where('status', '=', 'PENDING')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom(name)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('status', '=', 'FAILED')
      .executeTakeFirstOrThrow(),
  ]);
  return {
    pending: Number(pending.count),
    oldestPendingTime: pending.oldest === null ? null : Number(pending.oldest),
    failed: Number(failed.count),
  };
}
