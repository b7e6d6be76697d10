import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectName } from '../store.js';
import * as tracking from './0001-tracking.js';
import * as audit from './0002-audit.js';
import * as registry from './0003-registry.js';
import * as provenance from './0004-provenance.js';
import * as lineage from './0005-lineage.js';
import * as metricBatches from './0006-metric-batches.js';
import * as clusteredRunValues from './0007-clustered-run-values.js';
import * as auditEntityHistory from './0008-audit-entity-history.js';
import * as metricBlocks from './0009-metric-blocks.js';
import * as datasetVersionRecency from './0010-dataset-version-recency.js';
import * as namePrefixIndexes from './0015-name-prefix-indexes.js';
import * as loggedModels from './0016-logged-models.js';
import * as webhooks from './0017-webhooks.js';
import * as webhookOutbox from './0018-webhook-outbox.js';
import * as versionStoragePath from './0021-version-storage-path.js';
import * as accessControl from './0022-access-control.js';
import * as accessLog from './0023-access-log.js';
import * as transitionApprovals from './0024-transition-approvals.js';
import * as policies from './0025-policies.js';
import * as runGuardrails from './0026-run-guardrails.js';
import * as webhookDeliveriesNotifications from './0027-webhook-deliveries-notifications.js';
import * as metricChunks from './0029-metric-chunks.js';
import * as accessGeneration from './0030-access-generation.js';
import * as dependencies from './0032-dependencies.js';
import * as revalidationFlags from './0033-revalidation-flags.js';
import * as searchIndex from './0036-search-index.js';
import * as longRunValues from './0038-long-run-values.js';
import * as idempotencyKeys from './0039-idempotency-keys.js';
import * as collaboration from './0042-collaboration.js';
import * as owners from './0043-owners.js';
import * as reports from './0045-reports.js';
import * as searchUsage from './0047-search-usage.js';
import * as savedSearches from './0048-saved-searches.js';
import * as savedSearchMarks from './0049-saved-search-marks.js';
import * as requirementIndex from './0051-requirement-index.js';
import * as searchTerms from './0053-search-terms.js';
import * as metricChunkHeap from './0054-metric-chunk-heap.js';

interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
}

/** Every migration in order. Names sort lexically, so keep the numeric prefix when adding one. */
const ALL: Record<string, DialectMigration> = {
  '0001-tracking': tracking,
  '0002-audit': audit,
  '0003-registry': registry,
  '0004-provenance': provenance,
  '0005-lineage': lineage,
  '0006-metric-batches': metricBatches,
  '0007-clustered-run-values': clusteredRunValues,
  '0008-audit-entity-history': auditEntityHistory,
  '0009-metric-blocks': metricBlocks,
  '0010-dataset-version-recency': datasetVersionRecency,
  '0015-name-prefix-indexes': namePrefixIndexes,
  '0016-logged-models': loggedModels,
  '0017-webhooks': webhooks,
  '0018-webhook-outbox': webhookOutbox,
  '0021-version-storage-path': versionStoragePath,
  '0022-access-control': accessControl,
  '0023-access-log': accessLog,
  '0024-transition-approvals': transitionApprovals,
  '0025-policies': policies,
  '0026-run-guardrails': runGuardrails,
  '0027-webhook-deliveries-notifications': webhookDeliveriesNotifications,
  '0029-metric-chunks': metricChunks,
  '0030-access-generation': accessGeneration,
  '0032-dependencies': dependencies,
  '0033-revalidation-flags': revalidationFlags,
  '0036-search-index': searchIndex,
  '0038-long-run-values': longRunValues,
  '0039-idempotency-keys': idempotencyKeys,
  '0042-collaboration': collaboration,
  '0043-owners': owners,
  '0045-reports': reports,
  '0047-search-usage': searchUsage,
  '0048-saved-searches': savedSearches,
  '0049-saved-search-marks': savedSearchMarks,
  '0051-requirement-index': requirementIndex,
  '0053-search-terms': searchTerms,
  '0054-metric-chunk-heap': metricChunkHeap,
};

/** The names a database that is fully up to date has recorded as applied. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(ALL);

export function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(ALL)) {
        migrations[name] = { up: (db) => migration.up(db, dialect) };
      }
      return migrations;
    },
  };
}
