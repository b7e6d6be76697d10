import type { Principal } from '../../domain/access/principal.js';
import { advanceSubscription, subscriptionsToCheck } from '../../store/search/saved-search-repository.js';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Authenticator } from '../access/authenticator.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ServiceDeps } from '../service-deps.js';
import type { DiscoveryService } from './discovery-service.js';

/** Results named in a notification; the rest are counted, and the link shows them all. */
const NAMED = 5;

/**
 * Tells subscribers of saved searches about new results. Each subscription remembers up to when it has looked; a
 * check runs its search as the subscriber (their permissions, so nothing they may not read is named or counted) over
 * what was created since, notifies them when something was, and moves the mark. It runs shortly after each commit
 * (the grace lets writes that began before the mark commit first) and on a timer.
 */
export class SavedSearchWatcher {
  private pending?: ReturnType<typeof setTimeout>;
  private running?: Promise<number>;
  private again = false;
  private stopped = false;
  /** When the latest wake came, and up to when the latest check looked: a wake past it asks for another check. */
  private lastWake = 0;
  private checkedUntil = 0;
  onError: (error: unknown) => void = () => {};

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>,
    private readonly discovery: DiscoveryService,
    private readonly notifications: NotificationService,
    private readonly access: { policy: AccessPolicy; authenticator: Authenticator },
    /** How long before now a check looks: writes still open then commit before the next check sees past them. */
    private readonly graceMs = 1000,
  ) {}

  /** Asks for a check soon (many asks in a row make one check). */
  wake(): void {
    this.lastWake = this.deps.now();
    if (this.stopped || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.check().catch((error: unknown) => this.onError(error));
    }, this.graceMs + 50);
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
      // Commits within the grace of this check (or during it) are looked at by one more.
      if ((this.again || this.lastWake > this.checkedUntil) && !this.stopped) {
        this.again = false;
        const lastWake = this.lastWake;
        this.wake();
        this.lastWake = lastWake;
      }
    });
    return this.running;
  }

  private async checkAll(): Promise<number> {
    const until = this.deps.now() - this.graceMs;
    this.checkedUntil = until;
    let sent = 0;
    for (const sub of await subscriptionsToCheck(this.deps.store.db)) {
      const from = Number(sub.checked_until);
      if (from >= until) continue;
      const key = { savedSearchId: sub.saved_search_id, principalId: sub.principal_id };
      const found = await this.access.authenticator.activePrincipal(sub.principal_id);
      const results = found.ok ? await this.newResults(found.principal, sub, from, until) : undefined;
      // Nothing new: the mark stays (the next check looks again from it), so a quiet check writes nothing.
      if (found.ok && (!results || results.total === 0)) continue;
      await this.deps.unitOfWork.write(async (scope) => {
        if (!(await advanceSubscription(scope.db, key, from, until)) || !results) return;
        const names = results.hits.slice(0, NAMED).map((h) => `- ${h.name} (${h.type.replace('_', ' ')})`);
        const more = results.total - names.length;
        await this.notifications.notify(scope, {
          kind: 'saved_search_matched',
          recipients: [sub.principal_id],
          subject: `${results.total} new result${results.total === 1 ? '' : 's'} for “${sub.name}”`,
          body: [...names, ...(more > 0 ? [`and ${more} more`] : [])].join('\n'),
          link: `/searches/${sub.saved_search_id}`,
        });
        sent += 1;
      });
    }
    return sent;
  }

  private async newResults(
    principal: Principal,
    sub: { query: string; types: string; facets: string },
    from: number,
    until: number,
  ) {
    const [experiments, models, datasets] = await Promise.all([
      this.access.policy.readable(principal, 'experiment'),
      this.access.policy.readable(principal, 'model'),
      this.access.policy.readable(principal, 'dataset'),
    ]);
    return this.discovery.search({
      q: sub.query,
      types: JSON.parse(sub.types) as string[],
      facets: [...(JSON.parse(sub.facets) as string[]), `created=${from + 1}..${until}`],
      maxResults: NAMED,
      visible: { experiments, models, datasets },
    });
  }
}
