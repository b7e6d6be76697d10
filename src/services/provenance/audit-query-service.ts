import { invalid, notFound } from '../../domain/errors.js';
import type { StoredAuditEvent } from '../../domain/provenance/audit-event.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import {
  type AuditEventFilter,
  auditEventsPage,
  findAuditEvent,
  findAuditState,
} from '../../store/repositories/provenance/audit-event-repository.js';
import type { ProvenanceDeps } from './provenance-deps.js';

export interface AuditEventView extends StoredAuditEvent {
  /** The recorded state (canonical JSON parsed), or null for events logged before states were kept. */
  state: unknown;
}

export const MAX_AUDIT_PAGE = 1000;

const view = (event: StoredAuditEvent, state: string | null): AuditEventView => ({
  ...event,
  state: state === null ? null : JSON.parse(state),
});

/** Reads the audit log for people: filtered pages, single events, and a streaming export. */
export class AuditQueryService {
  constructor(private readonly deps: ProvenanceDeps) {}

  async page(
    filter: AuditEventFilter,
    options: { maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ events: AuditEventView[]; nextPageToken?: string }> {
    const limit = options.maxResults ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
      throw invalid(`maxResults must be between 1 and ${MAX_AUDIT_PAGE}; got ${options.maxResults}`);
    }
    checkFilter(filter);
    // The token is the last seq seen (keyset): pages stay stable while new events are appended.
    const after = decodePageToken(options.pageToken);
    const rows = await auditEventsPage(this.deps.store.db, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const result: { events: AuditEventView[]; nextPageToken?: string } = {
      events: page.map((r) => view(r.event, r.state)),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(page.at(-1)!.event.seq);
    return result;
  }

  async get(seq: number): Promise<AuditEventView> {
    const event = await findAuditEvent(this.deps.store.db, seq);
    if (!event) throw notFound(`No audit event with seq ${seq}`);
    return view(event, (await findAuditState(this.deps.store.db, seq)) ?? null);
  }

  /** Every matching event as one JSON line each, read page by page so memory stays flat for any log size. */
  async *exportLines(filter: AuditEventFilter): AsyncGenerator<string> {
    checkFilter(filter);
    let after = 0;
    for (;;) {
      const rows = await auditEventsPage(this.deps.store.db, filter, after, 500);
      if (rows.length === 0) return;
      for (const row of rows) yield `${JSON.stringify(view(row.event, row.state))}\n`;
      after = rows.at(-1)!.event.seq;
    }
  }
}

function checkFilter(filter: AuditEventFilter): void {
  if (filter.fromTime !== undefined && filter.toTime !== undefined && filter.fromTime > filter.toTime) {
    throw invalid(`from (${filter.fromTime}) must not be later than to (${filter.toTime})`);
  }
}
