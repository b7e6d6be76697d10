import type { Principal } from '../../domain/access/principal.js';
import { createdDocumentIds } from '../../domain/search/created-documents.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import type { SearchHit } from '../../sdk/wire/search-shapes.js';
import { readAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import {
  advanceSubscription,
  creationsBetween,
  subscriptionsToCheck,
} from '../../store/search/saved-search-repository.js';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Authenticator } from '../access/authenticator.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import type { DiscoveryService } from './discovery-service.js';

/** Results named in a notification; the rest are counted, and the link shows them all. */
const NAMED = 5;
/** Results listed in a webhook delivery; `total` counts them all. */
const LISTED = 100;
/** Created documents searched at once (a sweep that made thousands of runs is searched in parts). */
const CHUNK = 1000;

/** Where the watcher stages webhook events (in the notifying write) and wakes their delivery (after it). */
export interface SavedSearchWebhooks {
  stage(scope: WriteScope, events: RegistryEvent[]): Promise<void>;
  notify(): void;
}

interface Found {
  total: number;
  hits: SearchHit[];
}

/**
 * Tells subscribers of saved searches about new results. Each subscription remembers up to which audit event it has
 * looked. Events are numbered under the log's lock, which a write holds until it commits, so once the log's head
 * reads N every event up to N has committed: a check reads the head, takes the entities created by the events since
 * the mark, runs the search as the subscriber over those only (their permissions, so nothing they may not read is
 * named or counted), notifies them (inbox, and the webhooks they own subscribed to SAVED_SEARCH.NEW_RESULTS) when it
 * found something, and moves the mark to the head. A write held open for long is numbered when it commits, after any
 * mark a check set meanwhile, so it is never skipped, whatever time its entities were stamped with. It runs shortly
 * after each commit and on a timer.
 */
export class SavedSearchWatcher {
  private pending?: ReturnType<typeof setTimeout>;
  private running?: Promise<number>;
  private again = false;
  private stopped = false;
  onError: (error: unknown) => void = () => {};

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>,
    private readonly discovery: DiscoveryService,
    private readonly notifications: NotificationService,
    private readonly access: { policy: AccessPolicy; authenticator: Authenticator },
    private readonly webhooks?: SavedSearchWebhooks,
    /** How long wakes are gathered into one check: a burst of writes makes one. */
    private readonly debounceMs = 200,
  ) {}

  /** Asks for a check soon (many asks in a row make one check). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      // What committed during a check may lie past the head it read: one more looks.
      this.again = true;
      return;
    }
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.check().catch((error: unknown) => this.onError(error));
    }, this.debounceMs);
    this.pending.unref?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending) clearTimeout(this.pending);
    await this.running?.catch(() => {});
  }

  /** Checks every subscription once; returns how many notifications were sent. */
  async check(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.checkAll().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
    return this.running;
  }

  private async checkAll(): Promise<number> {
    const db = this.deps.store.db;
    const head = Number((await readAuditHead(db)).lastSeq);
    const created = new Map<number, Promise<string[]>>();
    const createdSince = (from: number) => {
      let ids = created.get(from);
      if (!ids) {
        ids = creationsBetween(db, from, head).then(createdDocumentIds);
        created.set(from, ids);
      }
      return ids;
    };
    let sent = 0;
    const quiet: { key: { savedSearchId: string; principalId: string }; fromSeq: number }[] = [];
    for (const sub of await subscriptionsToCheck(db)) {
      const fromSeq = Number(sub.checked_seq);
      if (fromSeq >= head) continue;
      const key = { savedSearchId: sub.saved_search_id, principalId: sub.principal_id };
      const ids = await createdSince(fromSeq);
      const found = await this.access.authenticator.activePrincipal(sub.principal_id);
      const results = found.ok && ids.length > 0 ? await this.newResults(found.principal, sub, ids) : undefined;
      if (!results || results.total === 0) {
        quiet.push({ key, fromSeq });
        continue;
      }
      await this.deps.unitOfWork.write(async (scope) => {
        // Moved by another replica first: it announced these already.
        if (!(await advanceSubscription(scope.db, key, { fromSeq, toSeq: head, at: this.deps.now() }))) return;
        await this.announce(scope, sub, results);
        sent += 1;
      });
    }
    // Quiet marks move too (in one write), so the next check does not read the same events again.
    if (quiet.length > 0) {
      await this.deps.unitOfWork.write(async (scope) => {
        const at = this.deps.now();
        for (const { key, fromSeq } of quiet) await advanceSubscription(scope.db, key, { fromSeq, toSeq: head, at });
      });
    }
    if (sent > 0) this.webhooks?.notify();
    return sent;
  }

  private async announce(
    scope: WriteScope,
    sub: { saved_search_id: string; principal_id: string; name: string },
    results: Found,
  ): Promise<void> {
    const path = `/searches/${sub.saved_search_id}`;
    const names = results.hits.slice(0, NAMED).map((h) => `- ${h.name} (${h.type.replace('_', ' ')})`);
    const more = results.total - names.length;
    await this.notifications.notify(scope, {
      kind: 'saved_search_matched',
      recipients: [sub.principal_id],
      subject: `${results.total} new result${results.total === 1 ? '' : 's'} for “${sub.name}”`,
      body: [...names, ...(more > 0 ? [`and ${more} more`] : [])].join('\n'),
      link: path,
    });
    await this.webhooks?.stage(scope, [
      {
        kind: 'saved_search.new_results',
        savedSearchId: sub.saved_search_id,
        name: sub.name,
        path,
        principalId: sub.principal_id,
        total: results.total,
        results: results.hits.map((h) => ({ type: h.type, id: h.id, name: h.name })),
      },
    ]);
  }

  /** The search as the subscriber, over the documents just created, a part at a time. */
  private async newResults(
    principal: Principal,
    sub: { query: string; types: string; facets: string },
    ids: readonly string[],
  ): Promise<Found> {
    const [experiments, models, datasets] = await Promise.all([
      this.access.policy.readable(principal, 'experiment'),
      this.access.policy.readable(principal, 'model'),
      this.access.policy.readable(principal, 'dataset'),
    ]);
    const found: Found = { total: 0, hits: [] };
    for (let start = 0; start < ids.length; start += CHUNK) {
      const part = await this.discovery.search({
        q: sub.query,
        types: JSON.parse(sub.types) as string[],
        facets: JSON.parse(sub.facets) as string[],
        maxResults: LISTED,
        visible: { experiments, models, datasets },
        onlyDocuments: ids.slice(start, start + CHUNK),
      });
      found.total += part.total;
      found.hits.push(...part.hits.slice(0, LISTED - found.hits.length));
    }
    return found;
  }
}
