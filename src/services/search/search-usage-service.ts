import { notFound } from '../../domain/errors.js';
import { parseDiscoveryTypes } from '../../domain/search/discovery-filters.js';
import { queryTerms } from '../../domain/search/search-text.js';
import {
  DEFAULT_USAGE_RETENTION,
  type UsageRetention,
  usageCutoffs,
  usageTeamKeys,
} from '../../domain/search/usage-retention.js';
import type { DiscoveryVisibility } from '../../store/search/discovery-query.js';
import {
  deleteOpensOf,
  findUsagePreference,
  insertOpens,
  purgeExpiredUsage,
  readableDocumentId,
  saveUsagePreference,
} from '../../store/search/search-usage-repository.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';

/** Who opened a result: their id and teams (their opens shape their teams' rankings). */
export interface UsageCaller {
  id: string;
  teamIds: readonly string[];
}

/**
 * What discovery learns from use: which result each team opens after which query. Opens are usage telemetry, like the
 * access log, and are not audit events: the audit log is permanent, and would keep the query text the retention
 * period promises to wipe. Each person's choice not to be recorded is audited.
 */
export class SearchUsageService {
  private readonly retention: UsageRetention;

  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>,
    retention: Partial<UsageRetention> = {},
  ) {
    this.retention = { ...DEFAULT_USAGE_RETENTION, ...retention };
  }

  /**
   * Records that `caller` opened a result after searching `q`, unless they opted out. A result they may not read is
   * answered as a missing one. What has passed its retention is purged in the same transaction, so however rarely
   * the scheduled purge runs, no write leaves expired query text behind it.
   */
  async recordOpen(
    caller: UsageCaller,
    input: { q: string; type: string; id: string },
    visible: DiscoveryVisibility,
  ): Promise<{ recorded: boolean }> {
    const [type] = parseDiscoveryTypes([input.type]);
    const docId = await readableDocumentId(this.deps.store.db, type!, input.id, visible);
    if (!docId) throw notFound(`No ${input.type} '${input.id}' to record an open of`);
    const queryKey = queryTerms(input.q).join(' ');
    return this.deps.unitOfWork.write(async ({ db }) => {
      const now = this.deps.now();
      await purgeExpiredUsage(db, usageCutoffs(now, this.retention));
      const preference = await findUsagePreference(db, caller.id);
      if (preference && Number(preference.record_opens) === 0) return { recorded: false };
      const openId = newId();
      await insertOpens(
        db,
        usageTeamKeys(caller).map((teamKey) => ({
          open_id: openId,
          team_key: teamKey,
          principal_id: caller.id,
          query_key: queryKey === '' ? null : queryKey,
          doc_id: docId,
          opened_time: now,
        })),
      );
      return { recorded: true };
    });
  }

  async preference(principalId: string): Promise<{ recordOpens: boolean }> {
    const row = await findUsagePreference(this.deps.store.db, principalId);
    return { recordOpens: row ? Number(row.record_opens) === 1 : true };
  }

  /** Turning recording off also forgets every open recorded of this person so far. */
  async setPreference(principalId: string, recordOpens: boolean): Promise<{ recordOpens: boolean }> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const updatedTime = this.deps.now();
      await saveUsagePreference(db, {
        principal_id: principalId,
        record_opens: recordOpens ? 1 : 0,
        updated_time: updatedTime,
      });
      const forgottenOpens = recordOpens ? 0 : await deleteOpensOf(db, principalId);
      audit({
        action: 'search_preference.set',
        entityKind: 'search_preference',
        entityId: principalId,
        state: { recordOpens, updatedTime, forgottenOpens },
      });
    });
    return { recordOpens };
  }

  /**
   * Purges at once and then every `intervalMs`, so query text is wiped on time even while nobody opens anything.
   * Replicas may all run it: a second purge of the same rows finds nothing left to do.
   */
  startPurging(intervalMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
    let running: Promise<unknown> | undefined;
    const tick = () => {
      running ??= this.purgeExpired()
        .catch(onError)
        .finally(() => {
          running = undefined;
        });
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    // A pending tick must not keep a finished process alive.
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await running;
      },
    };
  }

  /** Wipes query text and deletes opens past their retention (run on a schedule, and by every recorded open). */
  async purgeExpired(): Promise<{ wiped: number; deleted: number }> {
    return this.deps.unitOfWork.write(({ db }) => purgeExpiredUsage(db, usageCutoffs(this.deps.now(), this.retention)));
  }
}
