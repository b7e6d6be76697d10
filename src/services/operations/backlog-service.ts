import { readAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import { type QueueBacklog, readWorkQueueBacklog } from '../../store/repositories/work-queue-backlog-repository.js';
import type { ServiceDeps } from '../service-deps.js';

export interface Backlog {
  queues: QueueBacklog[];
  /** Events in the audit log: steady growth shows writes are being recorded. */
  auditEvents: number;
}

/**
 * What is owed but not yet done — webhook events and deliveries, e-mails — and how far the audit log has come, for
 * monitoring: a backlog that only grows, or rows that fail, mean receivers or the mail server are not answering.
 */
export class BacklogService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store'>) {}

  async read(): Promise<Backlog> {
    const [queues, head] = await Promise.all([
      readWorkQueueBacklog(this.deps.store.db),
      readAuditHead(this.deps.store.db),
    ]);
    return { queues, auditEvents: Number(head.lastSeq) };
  }
}
